/**
 * Generated bad answers from upstreams, through the whole gateway over real HTTP: the recorded OpenAI and
 * Anthropic fixtures with random edits. Streams get events dropped, repeated, cut short or corrupted, values
 * of the wrong type inside events, comments and garbage lines, and random TCP splits; whole answers get
 * their JSON edited the same way. Whatever arrives, the client gets a 200 or a 5xx in OpenAI's error shape
 * (never a 500), a stream always ends with `data: [DONE]` and holds only JSON events before it, nothing
 * hangs, and every request has its row. FUZZ_REQUESTS (default 150 per case) and FUZZ_SEED widen a search.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { splitIntoByteChunks, startFakeUpstream, type FakeResponse, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { mutate, pick, type Json } from './helpers/request-mutator.js';

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);

const fixture = (provider: string, name: string): string => readFileSync(new URL(`../src/providers/${provider}/__fixtures__/${name}`, import.meta.url), 'utf8');

type Random = () => number;

/** A recorded stream with one to four random edits, split into random TCP chunks. */
function corruptStream(random: Random, recorded: string): FakeResponse {
  let events = recorded.split('\n\n').filter((e) => e.trim() !== '');
  let destroy = false;
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * events.length);
    const event = events[at] ?? '';
    const action = Math.floor(random() * 9);
    if (action === 0) events.splice(at, 1);
    else if (action === 1) events.splice(at, 0, event);
    else if (action === 2) events.splice(at, 0, ': ping');
    else if (action === 3)
      events.splice(
        at,
        0,
        pick(random, [
          'data: {not json',
          'data: ',
          'data: []',
          'data: null',
          'data: "text"',
          'event: error\ndata: {"error":{"message":"overloaded"}}',
          'retry: 10',
          'id: 7',
          'garbage without a field',
        ]),
      );
    else if (action === 4) events[at] = event.slice(0, Math.floor(random() * event.length));
    else if (action === 5) events = events.slice(0, at);
    else if (action === 6) destroy = true;
    else events[at] = mutateEvent(random, event);
  }
  const text = events.map((e) => `${e}\n\n`).join('');
  const size = 1 + Math.floor(random() * 200);
  return {
    headers: { 'content-type': 'text/event-stream' },
    chunks: splitIntoByteChunks(text, size),
    ...(destroy ? { destroy: 'after-chunks' as const } : {}),
  };
}

/** One event with its JSON data edited (a value of the wrong type, a key removed or added). */
function mutateEvent(random: Random, event: string): string {
  return event
    .split('\n')
    .map((line) => {
      if (!line.startsWith('data: {')) return line;
      try {
        return `data: ${JSON.stringify(mutate(random, JSON.parse(line.slice(6)) as Json))}`;
      } catch {
        return line;
      }
    })
    .join('\n');
}

/** A recorded whole answer with its JSON edited, sometimes with a status or content type that does not fit. */
function corruptAnswer(random: Random, recorded: string): FakeResponse {
  const roll = random();
  if (roll < 0.05) return { status: 200, headers: { 'content-type': 'application/json' }, body: recorded.slice(0, Math.floor(random() * recorded.length)) };
  if (roll < 0.1) return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>502 Bad Gateway</html>' };
  return { body: mutate(random, JSON.parse(recorded) as Json) };
}

interface Case {
  name: string;
  model: string;
  stream: boolean;
  path: string;
  responses: (random: Random) => FakeResponse;
}

const CASES: Case[] = [
  {
    name: 'OpenAI streams',
    model: 'gpt',
    stream: true,
    path: '/v1/chat/completions',
    responses: (r) => corruptStream(r, fixture('openai-compatible', pick(r, ['text.chunks.txt', 'tool-call.chunks.txt']))),
  },
  {
    name: 'OpenAI answers',
    model: 'gpt',
    stream: false,
    path: '/v1/chat/completions',
    responses: (r) => corruptAnswer(r, fixture('openai-compatible', pick(r, ['text.json', 'tool-call.json']))),
  },
  {
    name: 'Anthropic streams',
    model: 'claude',
    stream: true,
    path: '/v1/messages',
    responses: (r) => corruptStream(r, fixture('anthropic', pick(r, ['text.chunks.txt', 'tool-call.chunks.txt']))),
  },
  {
    name: 'Anthropic answers',
    model: 'claude',
    stream: false,
    path: '/v1/messages',
    responses: (r) => corruptAnswer(r, fixture('anthropic', pick(r, ['text.json', 'tool-call.json']))),
  },
];

describe('generated bad upstream answers', () => {
  let upstream: FakeUpstream;
  let h: Harness;
  let next: FakeResponse = {};
  let sent = 0;

  before(async () => {
    upstream = await startFakeUpstream({ '/v1/chat/completions': () => next, '/v1/messages': () => next });
    upstream.recordRequests = false;
    const common = {
      locality: 'cloud',
      context_window: 128_000,
      pricing: { input_per_1m: 1, output_per_1m: 2 },
      capabilities: { tools: true, json: true, vision: true },
      timeout_ms: 3_000,
    } as const;
    h = await startGateway({
      models: {
        gpt: { provider: 'openai-compatible', base_url: `${upstream.url}/v1`, model: 'gpt-4o-mini', api_key: 'sk-test', ...common },
        claude: { provider: 'anthropic', base_url: upstream.url, model: 'claude-sonnet-4-20250514', api_key: 'sk-ant-test', ...common },
      },
      // Every answer must reach Tandem's parsers: a breaker opened by the last failures would answer 503 itself.
      circuit_breaker: { failure_threshold: 1_000_000 },
      // One attempt: a retry would replay the same corrupted answer and only slow the test down.
      routes: {
        gpt: { models: ['gpt'], router: { type: 'fixed', model: 'gpt' }, retry: { max_attempts: 1 } },
        claude: { models: ['claude'], router: { type: 'fixed', model: 'claude' }, retry: { max_attempts: 1 } },
      },
    });
  });
  after(async () => {
    await h.close();
    await upstream.close();
  });

  for (const [index, c] of CASES.entries()) {
    test(`${c.name}: a 200 or a 5xx in the error shape, never a 500; streams end with [DONE]`, async () => {
      const random = seededRandom(SEED + index);
      const failures: string[] = [];
      const outcomes = { ok: 0, failed: 0 };
      for (let i = 0; i < COUNT; i++) {
        next = c.responses(random);
        const body = JSON.stringify({ model: c.model, stream: c.stream, messages: [{ role: 'user', content: 'What is the capital of France?' }] });
        const res = await request(`${h.url}/v1/chat/completions`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        const text = await res.body.text();
        sent++;
        if (res.statusCode === 200 && !text.includes('"upstream stream failed')) outcomes.ok++;
        else outcomes.failed++;
        const problem = problemWith(res.statusCode, String(res.headers['content-type'] ?? ''), text);
        if (problem) failures.push(`${problem}\n  upstream: ${JSON.stringify(next).slice(0, 500)}\n  reply: ${res.statusCode} ${text.slice(0, 300)}`);
      }
      assert.deepEqual(failures, []);
      // The edits must leave some answers whole and break others, or one of the two paths went untested.
      assert.ok(outcomes.ok > COUNT / 10 && outcomes.failed > COUNT / 10, `answered ${outcomes.ok}, failed ${outcomes.failed}`);
    });
  }

  test('every request has its row, and the server still answers', async () => {
    const rows = await h.gateway.store.requestLog.recent({ limit: 100_000 });
    assert.equal(rows.length, sent);
    assert.ok(
      rows.every((row) => row.status === 200 || row.status >= 502),
      `statuses: ${[...new Set(rows.map((r) => r.status))].join(', ')}`,
    );
    const healthy = await request(`${h.url}/healthz`);
    assert.equal(healthy.statusCode, 200);
    await healthy.body.dump();
  });
});

function problemWith(status: number, contentType: string, text: string): string | null {
  if (status === 500) return 'a 500';
  if (status === 200 && contentType.startsWith('text/event-stream')) {
    if (!text.endsWith('data: [DONE]\n\n')) return 'a stream that does not end with [DONE]';
    for (const line of text.split('\n')) {
      if (line === '' || line === 'data: [DONE]') continue;
      if (!line.startsWith('data: ')) return `a line that is not an event: ${line.slice(0, 80)}`;
      try {
        JSON.parse(line.slice(6));
      } catch {
        return `an event that is not JSON: ${line.slice(0, 80)}`;
      }
    }
    return null;
  }
  if (status === 200) {
    try {
      const parsed = JSON.parse(text) as { choices?: Array<{ message?: { role?: unknown } }> };
      return parsed.choices?.[0]?.message?.role === 'assistant' ? null : 'a 200 without an assistant message';
    } catch {
      return 'a 200 whose body does not parse';
    }
  }
  if (status < 502 || status > 504) return `an unexpected status ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? null : `a ${status} not in OpenAI's error shape`;
  } catch {
    return `a ${status} whose body does not parse`;
  }
}
