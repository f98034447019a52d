/**
 * The leak test: thousands of generated requests with planted personal data and secrets go through the
 * real gateway over HTTP — all of them through a `pseudonymise` route, an eighth of them through a
 * `local-only` route — and the cloud upstream, a fake server recording every byte it receives, must never
 * see a planted value.
 *
 * It cannot pass by accident: the cloud recorder must have received exactly the requests it should (clean
 * control prompts on the local-only route, every request on the pseudonymise route), those requests must
 * carry placeholders, and the client must get the original values back where the model echoed them.
 *
 * Size: TANDEM_LEAK_CASES (default 2000) and TANDEM_LEAK_SEED (default 20261123).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type OpenAI from 'openai';
import { PLACEHOLDER_PATTERN } from '../src/privacy/pseudonymise.js';
import { upstreamUserId } from '../src/privacy/upstream-user.js';
import { startFakeUpstream, type FakeResponse, type FakeUpstream, type RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import type { TandemConfigInput } from '../src/config/schema.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { seededRandom } from '../src/quality/eval/routing-metrics.js';
import { generateLeakCases, PLANTED_TYPES, type LeakCase } from './pii-leak-generator.js';
import { detectPii } from '../src/privacy/detect-pii.js';
import { allStrings, carrierCase, CARRIERS, foundForCarrier, type Carrier, type CarrierCase } from './pii-leak-carriers.js';
import { runGatewayLeak } from './pii-leak-gateway.js';
import { plantedValues } from './pii/planted-values.js';

const CASES = Number(process.env.TANDEM_LEAK_CASES ?? 2000);
const SEED = Number(process.env.TANDEM_LEAK_SEED ?? 20261123);
const CONCURRENCY = 16;
const CLEAN_EVERY = 40;

const cases = generateLeakCases({ count: CASES, seed: SEED });
// PLACEHOLDER_PATTERN is global (it has a lastIndex); assert.match needs a stateless copy.
const ONE_PLACEHOLDER = new RegExp(PLACEHOLDER_PATTERN.source);
const caseId = (c: LeakCase): string => `leak-case-${c.index}`;
// The routes' `user_key`: the cloud gets each request's `user` (its case id) only as this key's hash.
const USER_KEY = 'leak-test-user-key-0123456789';
const hashed = (user: string): string => upstreamUserId(user, USER_KEY);

interface UpstreamBody {
  model: string;
  user?: string;
  stream?: boolean;
  tools?: unknown[];
  messages: unknown[];
}

/**
 * Cuts a text so that every placeholder in it is split, at one or two random points inside it (across
 * the corpus, at every possible point), while the text between placeholders stays whole: tiny splits
 * where they matter, without thousands of one-character events per answer.
 */
function shred(text: string, random: () => number): string[] {
  const cuts = new Set<number>();
  for (const m of text.matchAll(PLACEHOLDER_PATTERN)) {
    for (let k = 0; k < 2; k++) cuts.add(m.index + 1 + Math.floor(random() * (m[0].length - 1)));
  }
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces.filter((p) => p.length > 0);
}

/**
 * The cloud model: echoes every placeholder it was sent (in order of first appearance), as text or as
 * tool-call arguments when tools were offered, streamed in tiny deltas when asked to stream.
 */
function echoPlaceholders(recorded: RecordedRequest): FakeResponse {
  const body = recorded.json as UpstreamBody;
  const seen = new Set<string>();
  for (const s of allStrings(body.messages)) for (const p of s.match(PLACEHOLDER_PATTERN) ?? []) seen.add(p);
  const echo = [...seen].join(' | ');
  const text = `Noted: ${echo || 'nothing to echo'}`;
  const args = JSON.stringify({ echo });
  const model = body.model;
  const withTools = (body.tools?.length ?? 0) > 0;
  if (!body.stream) {
    const message = withTools
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_echo', type: 'function', function: { name: 'record', arguments: args } }] }
      : { role: 'assistant', content: text };
    return {
      body: {
        id: 'chatcmpl-cloud',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [{ index: 0, message, finish_reason: withTools ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    };
  }
  const random = seededRandom(text.length * 31 + Number(body.user?.replace(/\D/g, '') ?? 0));
  const chunk = (delta: unknown, finish: string | null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-cloud', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const deltas = withTools
    ? [
        chunk(
          { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_echo', type: 'function', function: { name: 'record', arguments: '' } }] },
          null,
        ),
        ...shred(args, random).map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] }, null)),
        chunk({}, 'tool_calls'),
      ]
    : [chunk({ role: 'assistant', content: '' }, null), ...shred(text, random).map((t) => chunk({ content: t }, null)), chunk({}, 'stop')];
  const usage = `data: ${JSON.stringify({ id: 'chatcmpl-cloud', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`;
  return { chunks: [...deltas, usage, 'data: [DONE]\n\n'] };
}

function localAnswer(recorded: RecordedRequest): FakeResponse {
  const body = recorded.json as UpstreamBody;
  // Some requests make the local model fail for good: a local-only request must then fail, not go out.
  if (body.user?.endsWith('7')) return { status: 503, body: { error: { message: 'local model overloaded', type: 'server_error' } } };
  return {
    body: {
      id: 'chatcmpl-local',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'answered locally' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    },
  };
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function assertNoLeak(recorded: readonly RecordedRequest[], byId: ReadonlyMap<string, LeakCase>): number {
  let checked = 0;
  for (const r of recorded) {
    const body = r.json as UpstreamBody;
    const leakCase = byId.get(body.user ?? '');
    assert.ok(leakCase, `the cloud got a request without a known (hashed) case id: ${body.user}`);
    const haystack = `${r.body}\n${allStrings(r.json).join('\n')}`;
    for (const planted of leakCase.planted) {
      for (const fragment of planted.fragments) {
        checked++;
        assert.ok(!haystack.includes(fragment), `case ${leakCase.index}: ${planted.type} reached the cloud`);
      }
    }
  }
  return checked;
}

function request(c: LeakCase, model: string): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  const params: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = { model, messages: c.messages, user: caseId(c) };
  if (c.withTools)
    params.tools = [{ type: 'function', function: { name: 'record', parameters: { type: 'object', properties: { echo: { type: 'string' } } } } }];
  return params;
}

describe(`leak test: ${CASES} generated requests with planted PII`, () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  // Keyed by what the cloud sees in `user`: the case id's hash, never the id.
  const byId = new Map(cases.map((c) => [hashed(caseId(c)), c]));

  before(async () => {
    cloud = await startFakeUpstream({ '/v1/chat/completions': echoPlaceholders });
    local = await startFakeUpstream({ '/v1/chat/completions': localAnswer });
    const model = (url: string, locality: 'local' | 'cloud'): TandemConfigInput['models'][string] => ({
      provider: 'openai-compatible',
      base_url: `${url}/v1`,
      locality,
      context_window: 32_000,
      capabilities: { tools: true },
      timeout_ms: 5_000,
    });
    const route = (mode: 'local-only' | 'pseudonymise'): NonNullable<TandemConfigInput['routes']>[string] => ({
      models: ['cloud', 'local'],
      policies: [{ type: 'privacy', mode, user_key: USER_KEY }, { type: 'capability' }],
      // The router always prefers the cloud model: only the privacy policy stands between it and the data.
      router: { type: 'fixed', model: 'cloud' },
      retry: { max_attempts: 2, initial_backoff_ms: 1, max_backoff_ms: 5 },
    });
    h = await startGateway({
      models: { cloud: model(cloud.url, 'cloud'), local: model(local.url, 'local') },
      routes: { 'private/local-only': route('local-only'), 'private/pseudonymise': route('pseudonymise') },
      // Failures of the local model are part of the test; an open circuit would only make them faster.
      circuit_breaker: { failure_threshold: 1_000_000 },
      // Bodies are logged (the default) so the last test can check what the log keeps; in memory, for speed.
      store: { type: 'memory' },
    });
  });
  after(async () => {
    await h?.close();
    await cloud?.close();
    await local?.close();
  });

  test('the corpus plants every supported type, in every kind of place', () => {
    const types = new Set(cases.flatMap((c) => c.planted.map((p) => p.type)));
    assert.deepEqual([...types].sort(), [...PLANTED_TYPES].sort());
    const roles = new Set(cases.flatMap((c) => c.messages.map((m) => m.role)));
    assert.deepEqual([...roles].sort(), ['assistant', 'system', 'tool', 'user']);
    assert.ok(
      cases.some((c) => c.messages.some((m) => Array.isArray(m.content))),
      'text parts',
    );
    assert.ok(
      cases.some((c) =>
        c.messages.some((m) => m.role === 'assistant' && c.planted.some((p) => JSON.stringify(m).includes(JSON.stringify(p.value).slice(1, -1)))),
      ),
      'tool arguments',
    );
    assert.ok(cases.length >= 2000 || process.env.TANDEM_LEAK_CASES !== undefined);
  });

  test('local-only: no planted value reaches the cloud, on any attempt; clean requests still do', async (t) => {
    cloud.requests.length = 0;
    // An eighth of the corpus is enough here (the pseudonymise route below takes all of it): this route's
    // answer depends only on whether anything was found, not on the prompt's shape.
    const withPii = cases.filter((c) => c.index % 8 === 1);
    const clean = cases
      .filter((c) => c.index % CLEAN_EVERY === 0)
      .map((c) => ({ ...c, planted: [], messages: [{ role: 'user' as const, content: 'Summarise the main arguments for and against remote work.' }] }));
    const statuses = new Map<number, number>();
    await inBatches([...withPii, ...clean], async (c) => {
      const id = c.planted.length === 0 ? `clean-${c.index}` : caseId(c);
      try {
        await h.client.chat.completions.create({ ...request(c, 'private/local-only'), user: id });
        statuses.set(200, (statuses.get(200) ?? 0) + 1);
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    });
    const failingLocally = withPii.filter((c) => caseId(c).endsWith('7')).length;
    // Exactly the clean controls went out; every request with PII stayed local, even when local failed.
    assert.equal(cloud.requests.length, clean.length);
    const cleanIds = new Set(clean.map((c) => hashed(`clean-${c.index}`)));
    assert.ok(
      cloud.requests.every((r) => cleanIds.has((r.json as UpstreamBody).user ?? '')),
      'the cloud got only clean requests, their `user` hashed',
    );
    assert.equal(statuses.get(503), failingLocally, JSON.stringify([...statuses]));
    assert.ok(failingLocally > 0);
    assert.equal(statuses.get(200), withPii.length - failingLocally + clean.length);
    // Retries of the failing ones went to the local model again, never to the cloud.
    const localCalls = local.requests.length;
    assert.equal(localCalls, withPii.length + failingLocally);
    t.diagnostic(
      `${withPii.length} requests with PII (${failingLocally} failing locally, retried locally, then 503) and ${clean.length} clean: the cloud got exactly the ${clean.length} clean ones`,
    );
  });

  test('pseudonymise: the cloud sees placeholders only, the client gets the original values back (whole and streamed)', async (t) => {
    cloud.requests.length = 0;
    let restored = 0;
    let checkedHeaders = 0;
    await inBatches(cases, async (c) => {
      const params = request(c, 'private/pseudonymise');
      let answer: string;
      if (c.index % 2 === 0) {
        const { data, response } = await h.client.chat.completions.create(params).withResponse();
        const message = data.choices[0]?.message;
        answer =
          message?.content ??
          message?.tool_calls?.map((t) => (t.type === 'function' ? (JSON.parse(t.function.arguments) as { echo: string }).echo : '')).join('') ??
          '';
        const header = response.headers.get('x-tandem-privacy') ?? '';
        assert.match(header, /^pseudonymised; [A-Z_]+=\d+/);
        for (const p of c.planted) assert.ok(!header.includes(p.value));
        checkedHeaders++;
      } else {
        const stream = await h.client.chat.completions.create({ ...params, stream: true });
        let text = '';
        let args = '';
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta;
          text += delta?.content ?? '';
          args += delta?.tool_calls?.map((t) => t.function?.arguments ?? '').join('') ?? '';
        }
        answer = args ? (JSON.parse(args) as { echo: string }).echo : text;
      }
      for (const p of c.planted) {
        assert.ok(answer.includes(p.core), `case ${c.index}: ${p.type} not restored in the ${c.index % 2 === 0 ? 'whole' : 'streamed'} answer`);
        restored++;
      }
    });
    assert.equal(cloud.requests.length, cases.length, 'every request reached the cloud model');
    for (const r of cloud.requests) assert.match(allStrings(r.json).join('\n'), ONE_PLACEHOLDER, `a request without placeholders: ${r.body.slice(0, 3000)}`);
    const checked = assertNoLeak(cloud.requests, byId);
    const planted = cases.reduce((n, c) => n + c.planted.length, 0);
    assert.equal(restored, planted);
    assert.equal(
      checked,
      cases.reduce((n, c) => n + c.planted.reduce((m, p) => m + p.fragments.length, 0), 0),
    );
    assert.equal(checkedHeaders, Math.ceil(cases.length / 2));
    t.diagnostic(
      `${cases.length} requests, ${planted} planted values, ${checked} fragment checks on what the cloud received: 0 leaks, ${restored} values restored`,
    );
  });

  test('the request log keeps the placeholder copy (bodies logged by default) and the privacy outcome, counts only', async () => {
    const c = cases.find((x) => x.planted.length >= 3) as LeakCase;
    const { response } = await h.client.chat.completions.create(request(c, 'private/pseudonymise')).withResponse();
    const record = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    assert.equal(record?.privacy?.action, 'pseudonymised');
    const counted = Object.values(record?.privacy?.findings ?? {}).reduce((a, b) => a + b, 0);
    assert.ok(counted >= 1, JSON.stringify(record?.privacy));
    assert.match(record?.requestBody ?? '', ONE_PLACEHOLDER);
    for (const p of c.planted) {
      for (const f of p.fragments) assert.ok(!record?.requestBody?.includes(JSON.stringify(f).slice(1, -1)), `${p.type} in the logged request`);
      for (const f of p.fragments) assert.ok(!record?.responseBody?.includes(JSON.stringify(f).slice(1, -1)), `${p.type} in the logged answer`);
    }
    assert.ok(!JSON.stringify(record?.privacy).includes(c.planted[0]?.value ?? '\u0000'));
  });
});

/**
 * Every carrier (the `user` field, `name`, `metadata`, `stop`, `prediction`, tool and response_format schemas,
 * tool arguments and results, image URLs, values split across parts and turns …), half streamed, on both
 * routes: a value the detectors find where the carrier puts it (identifier-shaped values in fields without
 * prose included) must never reach the cloud, and on pseudonymise must come back restored. The `user` field
 * never reaches it at all: the cloud gets its keyed hash, and the request is not kept local for it. (How
 * many values the detectors find is measured by the bench, `npm run bench:pii-leak`; this test holds the
 * carriers to whatever they find.)
 */
describe('leak test: every carrier', () => {
  const planted = plantedValues({ seed: SEED, count: Number(process.env.TANDEM_LEAK_CARRIER_VALUES ?? 136) });

  test('a value found where it is carried is hidden from the cloud in every carrier, and restored', async (t) => {
    const run = await runGatewayLeak({ planted, seed: SEED, modes: ['local-only', 'pseudonymise'] });
    const random = seededRandom(SEED);
    const cases = planted.map((p, i) => carrierCase(CARRIERS[i % CARRIERS.length] as Carrier, p, random));
    const carriers = new Set(run.outcomes.map((o) => o.carrier));
    assert.deepEqual([...carriers].sort(), [...CARRIERS].sort());
    let expected = 0;
    for (const o of run.outcomes) {
      assert.equal(o.status, 200, JSON.stringify(o));
      const c = cases[o.id % cases.length] as CarrierCase;
      if (!foundForCarrier(c, detectPii)) continue;
      expected++;
      assert.equal(o.leaked, null, `${o.mode}, ${o.carrier}, ${o.type} (${o.streamed ? 'streamed' : 'whole'}): reached the cloud`);
      if (o.carrier === 'user field') {
        // Nothing to keep local for: the value is not sent, its hash is.
        assert.equal(o.cloud, true, `${o.mode}: a request whose only personal value is its \`user\` was kept from the cloud`);
        continue;
      }
      if (o.mode === 'local-only') assert.equal(o.cloud, false, `${o.carrier}: a local-only request with a finding was answered by the cloud`);
      if (o.restored !== null) assert.ok(o.restored, `${o.carrier}, ${o.type} (${o.streamed ? 'streamed' : 'whole'}): not restored`);
    }
    assert.ok(expected >= run.outcomes.length * 0.6, `only ${expected} of ${run.outcomes.length} values were found where they were carried`);
    const leaks = run.outcomes.filter((o) => o.leaked !== null).length;
    t.diagnostic(
      `${run.outcomes.length} requests over ${CARRIERS.length} carriers: ${expected} values found where carried, none leaked; ${leaks} leaks of values the detectors do not find there`,
    );
  });
});
