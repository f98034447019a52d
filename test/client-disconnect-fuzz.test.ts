/**
 * Clients that go away at random moments, 16 at a time: before the answer starts, mid-stream, or just as it
 * ends, streamed and not, on every API edge (chat completions, Anthropic messages, responses). Afterwards nothing is stuck (no request still in flight), every answer a client
 * received whole has its row with status 200, every other row is a 499 (client closed) or a 200, and the
 * upstream saw its call cancelled at least for the streams cut short. A crash or an unhandled rejection
 * would fail the run, since the gateway runs in this process. FUZZ_REQUESTS (default 200) and FUZZ_SEED.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const CONCURRENCY = 16;

/** Each edge's body for the same request, and the last event of a whole streamed answer on its wire. */
const EDGES = [
  {
    path: '/v1/chat/completions',
    body: (stream: boolean) => ({ model: 'gpt', stream, messages: [{ role: 'user', content: 'hello' }] }),
    lastEvent: 'data: [DONE]',
  },
  {
    path: '/v1/messages',
    body: (stream: boolean) => ({ model: 'gpt', max_tokens: 64, stream, messages: [{ role: 'user', content: 'hello' }] }),
    lastEvent: 'data: {"type":"message_stop"}',
  },
  { path: '/v1/responses', body: (stream: boolean) => ({ model: 'gpt', stream, input: 'hello' }), lastEvent: '"type":"response.completed"' },
] as const;

const chunk = (delta: unknown, finish: string | null): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const STREAM = [
  chunk({ role: 'assistant', content: '' }, null),
  ...Array.from({ length: 10 }, (_, i) => chunk({ content: `word${i} ` }, null)),
  chunk({}, 'stop'),
  'data: [DONE]\n\n',
];
const ANSWER = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'a whole answer' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
};

describe('clients that disconnect at random moments', () => {
  let upstream: FakeUpstream;
  let h: Harness;

  before(async () => {
    upstream = await startFakeUpstream({
      '/v1/chat/completions': (recorded) =>
        (recorded.json as { stream?: boolean }).stream
          ? { headers: { 'content-type': 'text/event-stream' }, chunks: STREAM, chunkDelayMs: 2 }
          : { body: ANSWER, delayMs: 15 },
    });
    upstream.recordRequests = false;
    h = await startGateway({
      models: {
        gpt: {
          provider: 'openai-compatible',
          base_url: `${upstream.url}/v1`,
          model: 'gpt-4o-mini',
          api_key: 'sk-test',
          locality: 'cloud',
          context_window: 128_000,
          timeout_ms: 5_000,
        },
      },
      routes: { gpt: { models: ['gpt'], router: { type: 'fixed', model: 'gpt' } } },
    });
  });
  after(async () => {
    await h.close();
    await upstream.close();
  });

  test('nothing stuck, a row for every answer received whole, 499 for the rest', async () => {
    const random = seededRandom(SEED);
    const plans = Array.from({ length: COUNT }, () => ({
      edge: EDGES[Math.floor(random() * EDGES.length)] ?? EDGES[0],
      stream: random() < 0.6,
      abortAfterMs: random() < 0.25 ? null : Math.floor(random() * 40),
    }));
    const whole: string[] = [];
    let cut = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < plans.length) {
        const plan = plans[next++];
        if (!plan) break;
        const abort = new AbortController();
        const timer = plan.abortAfterMs === null ? undefined : setTimeout(() => abort.abort(), plan.abortAfterMs);
        try {
          const body = JSON.stringify(plan.edge.body(plan.stream));
          const res = await request(`${h.url}${plan.edge.path}`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
            signal: abort.signal,
          });
          const text = await res.body.text();
          assert.equal(res.statusCode, 200, text);
          const lastEvent = text.trimEnd().split('\n\n').at(-1) ?? '';
          assert.ok(plan.stream ? lastEvent.includes(plan.edge.lastEvent) : text.includes('a whole answer'), text);
          whole.push(String(res.headers['x-tandem-request-id']));
        } catch (error) {
          if (!abort.signal.aborted) throw error;
          cut++;
        } finally {
          clearTimeout(timer);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Handlers of cut requests finish on their own: wait until none is left, then read the log.
    for (let waited = 0; h.gateway.activeRequests > 0 && waited < 5_000; waited += 10) await sleep(10);
    assert.equal(h.gateway.activeRequests, 0, 'requests still in flight after every client left');
    const rows = await h.gateway.store.requestLog.recent({ limit: 100_000 });
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of whole) assert.equal(byId.get(id)?.status, 200, `request ${id} was answered whole but its row says ${byId.get(id)?.status}`);
    assert.ok(
      rows.every((row) => row.status === 200 || row.status === 499),
      `statuses: ${[...new Set(rows.map((r) => r.status))].join(', ')}`,
    );
    assert.ok(rows.length >= whole.length && rows.length <= COUNT, `${rows.length} rows for ${whole.length} whole answers and ${cut} cut`);
    // Both kinds of outcome must occur, or the timing no longer tests what it says.
    assert.ok(whole.length > COUNT / 10 && cut > COUNT / 10, `${whole.length} whole, ${cut} cut`);
    assert.ok(
      rows.some((row) => row.status === 499),
      'no request was logged as closed by its client',
    );
    assert.ok(upstream.clientAborts > 0, 'no upstream call was cancelled');
    const healthy = await request(`${h.url}/healthz`);
    assert.equal(healthy.statusCode, 200);
    await healthy.body.dump();
  });
});
