/**
 * The HTTP edge's resource limits and 401 visibility, end to end on a real gateway: many connections
 * stalling large bodies one byte short of their end hold no more than server.max_inflight_body_bytes and
 * are cut at server.body_timeout_ms while an ordinary request still gets its answer; a connection past
 * server.max_connections is closed on accept; 401s are counted and sampled into the audit log; a stream
 * honours the client's `Connection: close`.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { FREE_BYTES_PER_REQUEST } from '../src/api/body-budget.js';
import { AUDITED_PER_ADDRESS_PER_MINUTE } from '../src/api/auth-failure-recorder.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { parseExposition, sampleValue } from '../src/telemetry/metrics/testing/parse-exposition.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const API_KEY = 'sk-tandem-edge-test-0123456789';
const MiB = 1024 * 1024;
const MAX_BODY = 1 * MiB;
const BUDGET = 4 * MiB;
const BODY_TIMEOUT_MS = 1_500;

let upstream: FakeUpstream;
const closers: Array<() => Promise<void>> = [];
before(async () => {
  upstream = await startEchoUpstream();
  closers.push(() => upstream.close());
});
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function gateway(server: Record<string, unknown>): Promise<Harness> {
  const h = await startGateway(
    { ...twoModelConfig(upstream.url, upstream.url), server: { api_keys: [API_KEY], admin_key: ADMIN_KEY, ...server } },
    { apiKey: API_KEY },
  );
  closers.push(() => h.close());
  return h;
}

async function metric(h: Harness, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await request(`${h.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.statusCode, 200);
  return sampleValue(parseExposition(await res.body.text()), name, labels);
}

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** ms from the request's headers being written to the connection closing. */
  closedAfterMs: number;
}

/** A raw HTTP/1.1 POST that sends `sent` of a declared `declared` bytes and stops: what comes back, and when the connection closes. */
function stalledPost(url: string, o: { declared: number; sent: number }): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let data = '';
    const socket: Socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${API_KEY}\r\ncontent-type: application/json\r\ncontent-length: ${o.declared}\r\n\r\n`,
      );
      socket.write(Buffer.alloc(o.sent, 0x20));
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
      if (!Number.isFinite(status)) return reject(new Error(`no HTTP answer before the connection closed: ${JSON.stringify(data.slice(0, 200))}`));
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status, headers, body, closedAfterMs: performance.now() - started });
    });
  });
}

describe('stalled bodies', () => {
  test('hold at most max_inflight_body_bytes, are cut at body_timeout_ms, and an ordinary request is answered meanwhile', { timeout: 30_000 }, async () => {
    const h = await gateway({ max_body_bytes: MAX_BODY, max_inflight_body_bytes: BUDGET, body_timeout_ms: BODY_TIMEOUT_MS });
    // Sixteen 1 MiB bodies one byte short of their end: 16 MiB unbounded, 4 MiB with the budget.
    const attackers = Array.from({ length: 16 }, () => stalledPost(h.url, { declared: MAX_BODY, sent: MAX_BODY - 1 }));
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await metric(h, 'tandem_request_body_bytes_in_flight'));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    // Once the bodies are in, ask an ordinary question while they stall.
    let held = 0;
    for (let i = 0; i < 100 && held <= BUDGET / 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      held = await metric(h, 'tandem_request_body_bytes_in_flight');
    }
    assert.ok(held > BUDGET / 2, `the stalled bodies fill the budget (${held} bytes held)`);
    const answer = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'still there?' }] });
    assert.equal(answer.choices[0]?.message.content, 'echo: still there?');

    const replies = await Promise.all(attackers);
    sampling = false;
    await sampler;
    assert.ok(peak <= BUDGET, `held ${peak} bytes at most, budget ${BUDGET}`);
    assert.equal(await metric(h, 'tandem_request_body_bytes_in_flight'), 0, 'every byte is given back');

    const busy = replies.filter((r) => r.status === 503);
    const slow = replies.filter((r) => r.status === 408);
    assert.equal(busy.length + slow.length, replies.length, `only 503s and 408s: ${replies.map((r) => r.status).join(',')}`);
    // What fits: the budget plus each held request's free allowance, in whole bodies past the allowance.
    assert.ok(slow.length >= 1 && slow.length <= Math.floor(BUDGET / (MAX_BODY - 1 - FREE_BYTES_PER_REQUEST)), `${slow.length} held until the timeout`);
    for (const r of busy) {
      assert.equal(r.headers['retry-after'], '1');
      assert.equal(r.headers.connection, 'close');
      assert.equal((JSON.parse(r.body) as { error: { code: string; type: string } }).error.code, 'server_busy');
      // Refused while the others stalled, not at their timeout.
      assert.ok(r.closedAfterMs < Math.min(...slow.map((s) => s.closedAfterMs)), `a 503 closed after ${Math.round(r.closedAfterMs)} ms`);
    }
    for (const r of slow) {
      assert.equal(r.headers.connection, 'close');
      const error = (JSON.parse(r.body) as { error: { code: string; type: string; message: string } }).error;
      assert.deepEqual([error.code, error.type], ['request_timeout', 'invalid_request_error']);
      assert.ok(r.closedAfterMs >= BODY_TIMEOUT_MS - 50 && r.closedAfterMs < BODY_TIMEOUT_MS + 5_000, `a 408 closed after ${Math.round(r.closedAfterMs)} ms`);
    }
    assert.equal(await metric(h, 'tandem_http_refusals_total', { limit: 'body_timeout_ms' }), slow.length);
    assert.equal(await metric(h, 'tandem_http_refusals_total', { limit: 'max_inflight_body_bytes' }), busy.length);
  });

  test('a declared length that cannot fit is refused before its body is read', { timeout: 30_000 }, async () => {
    const h = await gateway({ max_body_bytes: MAX_BODY, max_inflight_body_bytes: MAX_BODY, body_timeout_ms: BODY_TIMEOUT_MS });
    const holder = stalledPost(h.url, { declared: MAX_BODY, sent: MAX_BODY - 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refusing = stalledPost(h.url, { declared: MAX_BODY, sent: 0 });
    // Answered at once, while the holder still stalls (not when the holder's timeout frees the budget).
    assert.equal(await Promise.race([holder.then(() => 'holder'), refusing.then(() => 'refused')]), 'refused');
    assert.equal((await refusing).status, 503);
    assert.equal((await holder).status, 408);
  });
});

test('a connection past max_connections is closed on accept; the others are served', async () => {
  const h = await gateway({ max_connections: 3 });
  const open = (): Promise<{ socket: Socket; closed: Promise<string> }> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(h.url);
      let data = '';
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve({ socket, closed }));
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      const closed = new Promise<string>((r) => socket.on('close', () => r(data)));
      socket.once('error', reject);
    });
  const held = [await open(), await open(), await open()];
  // Let the server accept the three before the fourth knocks.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const extra = await open();
  extra.socket.on('error', () => undefined);
  extra.socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
  assert.equal(await extra.closed, '', 'closed without an answer');
  // The held connections still work.
  held[0]?.socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  assert.match((await held[0]?.closed) ?? '', /^HTTP\/1\.1 200/);
  for (const c of held) c.socket.destroy();
  // Room again once the server has seen them go.
  const connections = (): Promise<number> =>
    new Promise((resolve, reject) => h.server.server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
  for (let i = 0; i < 100 && (await connections()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const res = await request(`${h.url}/healthz`, { reset: true });
  await res.body.text();
  assert.equal(res.statusCode, 200);
  assert.equal(await metric(h, 'tandem_http_refusals_total', { limit: 'max_connections' }), 1);
});

test('401s are counted by code and sampled into the audit log with a key prefix, never the key', async () => {
  const h = await gateway({});
  const wrong = 'sk-wrong-key-0000000000000000';
  const post = (authorization?: string) =>
    request(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hi' }] }),
    }).then(async (r) => {
      await r.body.text();
      return r.statusCode;
    });
  const GUESSES = 25;
  for (let i = 0; i < GUESSES; i++) assert.equal(await post(`Bearer ${wrong}`), 401);
  assert.equal(await post(), 401);
  // The scheme in lower case with extra spaces is the same credential (RFC 9110).
  assert.equal(await post(`bearer   ${API_KEY}`), 200);
  const adminRes = await request(`${h.url}/admin/keys`, { headers: { authorization: `Bearer ${API_KEY}` } });
  await adminRes.body.text();
  assert.equal(adminRes.statusCode, 401);

  assert.equal(await metric(h, 'tandem_auth_failures_total', { code: 'invalid_api_key' }), GUESSES);
  assert.equal(await metric(h, 'tandem_auth_failures_total', { code: 'missing_api_key' }), 1);
  assert.equal(await metric(h, 'tandem_auth_failures_total', { code: 'invalid_admin_key' }), 1);

  const chain = h.gateway.governance?.audit;
  assert.ok(chain);
  // The 401s do not wait for their audit records: read until the sampled ones are in.
  const read = async () => {
    const records = await h.gateway.store.audit.read({ replicaId: chain.replicaId, limit: 1_000 });
    return { records, refused: records.flatMap((r) => (r.entry !== null && r.entry.status === 401 ? [r.entry] : [])) };
  };
  let { records, refused } = await read();
  for (let i = 0; i < 100 && refused.length < AUDITED_PER_ADDRESS_PER_MINUTE; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    ({ records, refused } = await read());
  }
  // All from 127.0.0.1: the first 10 a minute (20 if the guesses straddled a minute), not all 27.
  assert.ok(refused.length >= AUDITED_PER_ADDRESS_PER_MINUTE && refused.length <= 2 * AUDITED_PER_ADDRESS_PER_MINUTE, `${refused.length} audited`);
  const first = refused[0];
  assert.equal(first?.reason, `auth_failure code=invalid_api_key client="127.0.0.1" endpoint="POST /v1/chat/completions" key_prefix="${wrong.slice(0, 7)}"`);
  assert.equal(first?.keyId, null);
  assert.ok(
    records.every((r) => !JSON.stringify(r).includes(wrong.slice(0, 8))),
    'no more than a quarter of the guess is kept',
  );
  assert.ok(records.every((r) => !JSON.stringify(r).includes(API_KEY)));
});

test("a stream honours the client's Connection: close", async () => {
  const h = await gateway({});
  const { hostname, port } = new URL(h.url);
  const body = JSON.stringify({ model: 'tandem/auto', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
  const reply = await new Promise<{ connection: string | undefined; text: string; socketClosed: Promise<void> }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port: Number(port),
        method: 'POST',
        path: '/v1/chat/completions',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, connection: 'close' },
      },
      (res) => {
        const socketClosed = new Promise<void>((r) => res.socket.once('close', () => r()));
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ connection: res.headers.connection, text, socketClosed }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(reply.connection, 'close');
  assert.match(reply.text, /data: \[DONE\]/);
  await reply.socketClosed;
});
