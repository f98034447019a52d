/**
 * `npm run bench:flows`: 200 generated support tickets through a triage-act flow (docs/flows.md), against
 * the same tickets answered by the cloud model alone.
 *
 * - Tickets: seeded faker data in 9 intents (refund, shipping, cancel, address change, password reset,
 *   invoice, warranty, product question, and ones no action covers: complaints to the CEO, legal threats),
 *   short and long, some with typos, some with an email address or phone number (the route pseudonymises).
 * - Fake cloud upstream (the triage and the cloud-only answers, priced like gpt-4o): triages by keywords
 *   into the route's JSON, and 1 answer in 25 comes back as broken JSON (the repair turn fixes it).
 * - Fake local action server (priced 0): answers the narrow action.
 * Both fakes answer at once, so a step's duration is Tandem's own time plus a loopback round trip: the
 * "added latency per step". Costs come from the request log: the flow's parent rows (the sum of their
 * steps) against the rows of the cloud-only run (the upstream's own usage, counted).
 */
import { faker } from '@faker-js/faker';
import { startFakeUpstream, type FakeResponse, type RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import type { FlowStepRecord } from '../src/store/flow-steps.js';
import { startGateway } from '../test/helpers/gateway-harness.js';

const TICKETS = Number(process.env.TICKETS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
faker.seed(19);

type Intent = 'refund' | 'shipping' | 'cancel' | 'address' | 'password' | 'invoice' | 'warranty' | 'product' | 'other';

const openers = ['Hi,', 'Hello team,', 'Dear support,', 'hey', 'To whom it may concern,', 'Good morning,', ''];
const templates: Record<Intent, Array<(o: string, p: string) => string>> = {
  refund: [
    (o, p) => `I want a refund for order ${o}. The ${p} arrived broken and I don't want a replacement.`,
    (o, p) => `pls refund my money, order ${o}, the ${p} doesnt work at all`,
    (o, p) => `The ${p} from order ${o} was not as described. Can I get my money back?`,
  ],
  shipping: [
    (o) => `Where is my package? Order ${o} was supposed to arrive last week and the tracking hasn't moved.`,
    (o, p) => `my ${p} (order ${o}) still hasnt shipped, any update on delivery??`,
  ],
  cancel: [
    (o) => `Please cancel order ${o} before it ships, I ordered the wrong size.`,
    (o, p) => `Cancel my order ${o} for the ${p}, found it cheaper elsewhere.`,
  ],
  address: [(o) => `I moved last week. Can you change the delivery address on order ${o} to ${faker.location.streetAddress()}?`],
  password: [
    () => `I can't log in, the password reset email never arrives. Can you reset my password?`,
    () => `locked out of my account after too many login attempts`,
  ],
  invoice: [
    (o) => `I need an invoice with my company VAT number for order ${o}.`,
    (o) => `The invoice for order ${o} shows the wrong amount, please send a corrected one.`,
  ],
  warranty: [(o, p) => `My ${p} stopped working after 8 months. Is it still under warranty? Order ${o}.`],
  product: [
    (_o, p) => `Does the ${p} work with 110V outlets? Thinking of buying two.`,
    (_o, p) => `What's the difference between the ${p} and the pro version?`,
  ],
  other: [
    (o) => `This is the third time I'm writing. I want to speak to your CEO about order ${o} and I will contact my lawyer.`,
    () => `Your company is a joke. I'll post about this everywhere unless someone senior calls me.`,
  ],
};
const weights: Array<[Intent, number]> = [
  ['refund', 18],
  ['shipping', 20],
  ['cancel', 9],
  ['address', 6],
  ['password', 10],
  ['invoice', 8],
  ['warranty', 7],
  ['product', 14],
  ['other', 8],
];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(faker.number.float({ min: 0, max: 0.9999 }) * items.length)] as T;
}

function ticket(): { text: string; intent: Intent } {
  let roll = faker.number.int({ min: 0, max: 99 });
  let intent: Intent = 'other';
  for (const [name, weight] of weights) {
    if (roll < weight) {
      intent = name;
      break;
    }
    roll -= weight;
  }
  const order = `${faker.string.alpha({ length: 2, casing: 'upper' })}-${faker.number.int({ min: 10000, max: 99999 })}`;
  let text = `${pick(openers)} ${pick(templates[intent])(order, faker.commerce.productName().toLowerCase())}`.trim();
  if (faker.datatype.boolean(0.3)) text += `\n\n${faker.lorem.paragraphs({ min: 1, max: 3 })}`;
  if (faker.datatype.boolean(0.25))
    text += `\nYou can reach me at ${faker.internet.email()}${faker.datatype.boolean(0.5) ? ` or +1 415 555 ${faker.number.int({ min: 1000, max: 9999 })}` : ''}.`;
  text += `\n${pick(['Thanks', 'Regards', 'Cheers', 'thx', ''])} ${faker.person.firstName()}`;
  return { text, intent };
}

const keywords: Array<[Intent, RegExp]> = [
  ['other', /ceo|lawyer|joke|senior/i],
  ['cancel', /cancel/i],
  ['refund', /refund|money back/i],
  ['address', /address/i],
  ['password', /password|log in|locked out/i],
  ['invoice', /invoice/i],
  ['warranty', /warranty/i],
  ['shipping', /package|ship|deliver|tracking/i],
];

function chat(body: { model: string; messages: Array<{ content: unknown }> }, text: string, outputTokens: number): FakeResponse {
  const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4);
  return {
    body: {
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: promptTokens, completion_tokens: outputTokens, total_tokens: promptTokens + outputTokens },
    },
  };
}

let triaged = 0;
function cloud(recorded: RecordedRequest): FakeResponse {
  const body = recorded.json as { model: string; messages: Array<{ role: string; content: unknown }>; response_format?: { json_schema?: { name: string } } };
  const prompt = body.messages.map((m) => String(m.content)).join('\n');
  if (body.response_format?.json_schema?.name === 'triage') {
    const intent = keywords.find(([, re]) => re.test(prompt))?.[0] ?? 'product';
    const order = /[A-Z]{2}-\d{5}/.exec(prompt)?.[0] ?? '';
    const repairing = body.messages.some((m) => m.role === 'assistant');
    // One triage in 25 comes back malformed; the repair turn (which carries it back) gets valid JSON.
    if (!repairing && ++triaged % 25 === 0) return chat(body, `{"intent": "${intent}", "order_id": `, 12);
    return chat(body, JSON.stringify({ intent, order_id: order, urgency: /asap|third time|still/i.test(prompt) ? 'high' : 'normal' }), 28);
  }
  // A cloud model's full answer to a ticket: 120-260 tokens.
  return chat(body, `Thank you for reaching out. ${faker.lorem.paragraph()}`, 120 + (prompt.length % 140));
}

function local(recorded: RecordedRequest): FakeResponse {
  const body = recorded.json as { model: string; messages: Array<{ content: unknown }> };
  const prompt = body.messages.map((m) => String(m.content)).join('\n');
  return chat(body, `Done: ${prompt.slice(0, 80)}`, 60 + (prompt.length % 80));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const step = (intent: string) => ({
  model: 'small',
  prompt: `Carry out the ${intent} action for this customer. Fields: {{fields}}. Ticket: {{input}}`,
  max_tokens: 300,
});

async function main(): Promise<void> {
  const cloudUp = await startFakeUpstream({ '/v1/chat/completions': cloud });
  const localUp = await startFakeUpstream({ '/v1/chat/completions': local });
  cloudUp.recordRequests = false;
  localUp.recordRequests = false;
  const h = await startGateway({
    models: {
      small: { provider: 'openai-compatible', base_url: `${localUp.url}/v1`, locality: 'local', timeout_ms: 5_000, capabilities: { json: true } },
      large: {
        provider: 'openai-compatible',
        base_url: `${cloudUp.url}/v1`,
        model: 'gpt-4o',
        api_key: 'sk-bench',
        locality: 'cloud',
        context_window: 128_000,
        pricing: { input_per_1m: 2.5, output_per_1m: 10 },
        capabilities: { json: true },
        timeout_ms: 5_000,
      },
    },
    routes: {
      support: {
        models: ['large', 'small'],
        policies: [{ type: 'privacy', mode: 'pseudonymise', types: ['EMAIL_ADDRESS', 'PHONE_NUMBER'] }],
        flow: {
          type: 'triage-act',
          triage: { model: 'large', prompt: 'Classify this support ticket into intent, order_id and urgency:\n{{input}}', max_tokens: 120 },
          schema: {
            type: 'object',
            properties: {
              intent: { type: 'string', enum: ['refund', 'shipping', 'cancel', 'address', 'password', 'invoice', 'warranty', 'product', 'other'] },
              order_id: { type: 'string' },
              urgency: { type: 'string', enum: ['normal', 'high'] },
            },
            required: ['intent', 'order_id'],
          },
          actions: {
            refund: step('refund'),
            shipping: step('shipping status'),
            cancel: step('cancellation'),
            address: step('address change'),
            password: step('password reset'),
            invoice: step('invoice'),
            warranty: step('warranty check'),
            product: step('product question'),
          },
        },
      },
      'cloud-only': {
        models: ['large'],
        policies: [{ type: 'privacy', mode: 'pseudonymise', types: ['EMAIL_ADDRESS', 'PHONE_NUMBER'] }],
      },
    },
  });
  try {
    const tickets = Array.from({ length: TICKETS }, ticket);
    const run = async (model: string): Promise<{ ids: string[]; wallMs: number[] }> => {
      const ids: string[] = [];
      const wallMs: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < tickets.length) {
            const t = tickets[next++] as { text: string };
            const started = performance.now();
            const { response } = await h.client.chat.completions.create({ model, messages: [{ role: 'user', content: t.text }] }).withResponse();
            wallMs.push(performance.now() - started);
            ids.push(response.headers.get('x-tandem-request-id') as string);
          }
        }),
      );
      return { ids, wallMs };
    };
    // Warm up connections and JIT on both routes first, so neither run pays for it.
    for (let i = 0; i < 30; i++) {
      for (const model of ['support', 'cloud-only']) {
        await h.client.chat.completions.create({ model, messages: [{ role: 'user', content: `warm up ${i}: where is my package?` }] });
      }
    }
    const flow = await run('support');
    const direct = await run('cloud-only');

    const rows = async (ids: string[]) => Promise.all(ids.map(async (id) => h.gateway.store.requestLog.get(id)));
    const flowRows = await rows(flow.ids);
    const directRows = await rows(direct.ids);
    const steps = (await h.gateway.store.flowSteps?.forParents(flow.ids)) ?? new Map<string, FlowStepRecord[]>();
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const flowCost = sum(flowRows.map((r) => r?.cost ?? 0));
    const directCost = sum(directRows.map((r) => r?.cost ?? 0));
    const byKind = new Map<string, number[]>();
    let fallbacks = 0;
    let repairs = 0;
    for (const list of steps.values()) {
      for (const s of list) {
        const kind = s.step.startsWith('action:') ? 'action' : s.step;
        byKind.set(kind, [...(byKind.get(kind) ?? []), s.durationMs]);
        if (s.step === 'fallback') fallbacks++;
        if (s.step === 'repair') repairs++;
      }
    }
    const intents = new Map<string, number>();
    for (const t of tickets) intents.set(t.intent, (intents.get(t.intent) ?? 0) + 1);
    const ms = (n: number): string => n.toFixed(2);
    console.log(`## bench:flows — ${TICKETS} generated support tickets, concurrency ${CONCURRENCY}, node ${process.version}\n`);
    console.log(`tickets by intent: ${[...intents].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`with an email or phone number (pseudonymised): ${tickets.filter((t) => /@|\+1 415/.test(t.text)).length}\n`);
    console.log('| | cost (USD) | per ticket | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(
      `| cloud model answers every ticket | ${directCost.toFixed(5)} | ${(directCost / TICKETS).toFixed(7)} | ${ms(percentile(direct.wallMs, 50))} | ${ms(percentile(direct.wallMs, 99))} |`,
    );
    console.log(
      `| triage-act (cloud triage, local action) | ${flowCost.toFixed(5)} | ${(flowCost / TICKETS).toFixed(7)} | ${ms(percentile(flow.wallMs, 50))} | ${ms(percentile(flow.wallMs, 99))} |`,
    );
    console.log(
      `\nsaving: ${(100 * (1 - flowCost / directCost)).toFixed(1)}% of the cloud-only cost; ${repairs} repair turns, ${fallbacks} fallbacks to the cloud model\n`,
    );
    console.log('added latency per step (the fakes answer at once: Tandem plus a loopback round trip):\n');
    console.log('| step | count | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|');
    for (const [kind, values] of byKind) console.log(`| ${kind} | ${values.length} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 99))} |`);
    const overhead = flowRows.map((r) => r?.overheadMs ?? 0);
    console.log(
      `| whole flow, overhead (total minus upstream time) | ${overhead.length} | ${ms(percentile(overhead, 50))} | ${ms(percentile(overhead, 99))} |`,
    );
    const totals = (list: typeof flowRows): number[] => list.map((r) => r?.totalMs ?? 0);
    console.log(
      `\ntime in the gateway per request (row totalMs), p50: flow ${ms(percentile(totals(flowRows), 50))} ms, cloud only ${ms(percentile(totals(directRows), 50))} ms`,
    );
  } finally {
    await h.close();
    await cloudUp.close();
    await localUp.close();
  }
}

await main();
