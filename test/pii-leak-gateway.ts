/**
 * Runs planted values through the real gateway over HTTP with the official `openai` client, over every
 * carrier (pii-leak-carriers.ts), half of them streamed, on a `local-only` and a `pseudonymise` route whose
 * router always prefers the cloud model. The cloud model is a fake upstream on loopback that records every
 * byte it receives and echoes what it read (so placeholders come back to be restored); the local model
 * echoes too. A leak is a planted value (or either half of a split one) anywhere in what the cloud received.
 *
 * Shared by test/pii-leak.test.ts (a few hundred values, in npm test) and bench/pii-leak-gateway.ts (10,000+).
 */
import type OpenAI from 'openai';
import type { TandemConfigInput } from '../src/config/schema.js';
import type { PiiType } from '../src/privacy/pii-finding.js';
import { startFakeUpstream, type FakeResponse, type RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import { seededRandom } from '../src/quality/eval/routing-metrics.js';
import { startGateway } from './helpers/gateway-harness.js';
import { allStrings, carrierCase, CARRIERS, type Carrier, type CarrierCase, type Planted } from './pii-leak-carriers.js';

export type LeakMode = 'local-only' | 'pseudonymise';

export interface CaseOutcome {
  id: number;
  mode: LeakMode;
  carrier: Carrier;
  type: PiiType;
  streamed: boolean;
  status: number;
  /** The fragment that reached the cloud, if any. */
  leaked: string | null;
  /** Answered by the cloud model (on pseudonymise: through placeholders). */
  cloud: boolean;
  /** Pseudonymise, answered by the cloud, restorable carrier: the answer held the original value. */
  restored: boolean | null;
}

/** Echoes the strings of the request (everything but the model name) as the answer, streamed in small pieces when asked. */
function echo(recorded: RecordedRequest): FakeResponse {
  const body = recorded.json as { model: string; stream?: boolean; seed?: number } & Record<string, unknown>;
  const { model, stream, stream_options: _so, ...rest } = body;
  const text = `echo: ${allStrings(rest).join(' | ')}`;
  const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
  if (!stream) {
    return {
      body: {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage,
      },
    };
  }
  const random = seededRandom(Number(body.seed ?? 1) * 7919 + text.length);
  const chunk = (delta: unknown, finish: string | null): string =>
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const chunks: string[] = [chunk({ role: 'assistant', content: '' }, null)];
  for (let at = 0; at < text.length; ) {
    const n = 1 + Math.floor(random() * 12);
    chunks.push(chunk({ content: text.slice(at, at + n) }, null));
    at += n;
  }
  chunks.push(
    chunk({}, 'stop'),
    `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
    'data: [DONE]\n\n',
  );
  return { chunks };
}

export interface LeakRun {
  outcomes: CaseOutcome[];
  /** Requests the cloud received. */
  cloudRequests: number;
  elapsedMs: number;
}

/** Assigns carriers round-robin over the planted values, and sends each case to every route in `modes`. */
export async function runGatewayLeak(options: {
  planted: readonly Planted[];
  seed: number;
  modes: readonly LeakMode[];
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<LeakRun> {
  const random = seededRandom(options.seed);
  const cases: CarrierCase[] = options.planted.map((p, i) => carrierCase(CARRIERS[i % CARRIERS.length] as Carrier, p, random));
  const cloud = await startFakeUpstream({ '/v1/chat/completions': echo });
  const local = await startFakeUpstream({ '/v1/chat/completions': echo });
  const model = (url: string, locality: 'local' | 'cloud'): TandemConfigInput['models'][string] => ({
    provider: 'openai-compatible',
    base_url: `${url}/v1`,
    locality,
    context_window: 128_000,
    capabilities: { tools: true, json: true, vision: true },
    timeout_ms: 30_000,
  });
  const route = (mode: LeakMode): NonNullable<TandemConfigInput['routes']>[string] => ({
    models: ['cloud', 'local'],
    policies: [{ type: 'privacy', mode }, { type: 'capability' }],
    // The router always prefers the cloud: only the privacy policy stands between it and the data.
    router: { type: 'fixed', model: 'cloud' },
  });
  const h = await startGateway({
    models: { cloud: model(cloud.url, 'cloud'), local: model(local.url, 'local') },
    routes: { 'leak/local-only': route('local-only'), 'leak/pseudonymise': route('pseudonymise') },
    store: { type: 'memory', log_bodies: false, max_requests: 1000 },
    audit: { enabled: false },
  });
  const started = performance.now();
  const outcomes: CaseOutcome[] = [];
  // Each request carries its case number in `seed`, a number no detector reads, so the cloud's record names its case.
  const jobs = options.modes.flatMap((mode, m) => cases.map((c, i) => ({ c, id: m * cases.length + i, mode })));
  const byId = new Map(jobs.map((j) => [j.id, j]));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++] as (typeof jobs)[number];
      outcomes.push(await send(h.client, job.c, job.id, job.mode));
      options.onProgress?.(outcomes.length, jobs.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
    // What the cloud received, case by case: any fragment anywhere (raw body, and every string decoded) is a leak.
    const byOutcome = new Map(outcomes.map((o) => [o.id, o]));
    for (const r of cloud.requests) {
      const id = Number((r.json as { seed?: number }).seed);
      const job = byId.get(id);
      const outcome = byOutcome.get(id);
      if (!job || !outcome) throw new Error(`the cloud got a request without a known case: ${r.body.slice(0, 200)}`);
      const haystack = `${r.body}\n${allStrings(r.json).join('\n')}`;
      const found = job.c.fragments.find((f) => haystack.includes(f));
      if (found !== undefined) outcome.leaked = found;
    }
    return { outcomes, cloudRequests: cloud.requests.length, elapsedMs: performance.now() - started };
  } finally {
    await h.close();
    await cloud.close();
    await local.close();
  }
}

async function send(client: OpenAI, c: CarrierCase, id: number, mode: LeakMode): Promise<CaseOutcome> {
  const streamed = id % 2 === 1;
  const outcome: CaseOutcome = { id, mode, carrier: c.carrier, type: c.planted.type, streamed, status: 200, leaked: null, cloud: false, restored: null };
  const params = { ...c.params, model: `leak/${mode}`, seed: id };
  let answer = '';
  let model = '';
  try {
    if (streamed) {
      const stream = await client.chat.completions.create({ ...params, stream: true });
      for await (const chunk of stream) {
        model = chunk.model;
        answer += chunk.choices[0]?.delta?.content ?? '';
      }
    } else {
      const data = await client.chat.completions.create(params);
      model = data.model;
      answer = data.choices[0]?.message.content ?? '';
    }
  } catch (error) {
    outcome.status = (error as { status?: number }).status ?? 0;
    return outcome;
  }
  outcome.cloud = model === 'cloud';
  if (mode === 'pseudonymise' && outcome.cloud && c.restorable) outcome.restored = answer.includes(c.planted.value);
  return outcome;
}

/** Leak and restoration counts grouped by `key`, as Markdown table rows. */
export function leakTable(outcomes: readonly CaseOutcome[], key: (o: CaseOutcome) => string): string[] {
  const groups = new Map<string, CaseOutcome[]>();
  for (const o of outcomes) groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
  const rows: string[] = [
    '| | values | leaked, local-only | leaked, pseudonymise | % pseudonymise | restored (cloud answers) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const line = (name: string, list: readonly CaseOutcome[]): string => {
    const lo = list.filter((o) => o.mode === 'local-only');
    const ps = list.filter((o) => o.mode === 'pseudonymise');
    const leaksPs = ps.filter((o) => o.leaked !== null).length;
    const checked = ps.filter((o) => o.restored !== null);
    const restored = checked.filter((o) => o.restored).length;
    return `| ${name} | ${Math.max(lo.length, ps.length)} | ${lo.filter((o) => o.leaked !== null).length} | ${leaksPs} | ${ps.length ? ((100 * leaksPs) / ps.length).toFixed(2) : '–'} | ${checked.length ? `${restored}/${checked.length}` : '–'} |`;
  };
  for (const [name, list] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) rows.push(line(name, list));
  rows.push(line('**all**', outcomes));
  return rows;
}
