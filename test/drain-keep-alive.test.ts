/**
 * The drain and kept-alive connections, with a keep-alive agent and a raw socket: once draining, an idle
 * connection is closed at once, a connection whose answer ends during the drain is closed after it (not
 * left for the client to reuse until the deadline), and a request arriving on a kept-alive connection —
 * a stream included — is answered with `connection: close` and its connection closed after it.
 */
import assert from 'node:assert/strict';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig } from './helpers/gateway-harness.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const LONG = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('draining closes idle and finished kept-alive connections, and answers late requests with connection: close', async () => {
  // 'long' streams ~24 chunks 100 ms apart (holds the drain open); anything else ~8 chunks 60 ms apart.
  const respond = echoResponder({ answer: (body) => (lastUser(body) === 'long' ? LONG : 'a b c d') });
  const upstream = await startFakeUpstream({
    '/v1/chat/completions': (r) => ({ ...respond(r), chunkDelayMs: lastUser(r.json as Parameters<typeof lastUser>[0]) === 'long' ? 100 : 60 }),
  });
  closers.push(() => upstream.close());
  const h = await startGateway(twoModelConfig(upstream.url, upstream.url));
  closers.push(() => h.close());
  const { hostname, port } = new URL(h.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  closers.push(async () => agent.destroy());
  const chatBody = (content: string): string => JSON.stringify({ model: 'tandem/auto', stream: true, messages: [{ role: 'user', content }] });

  /** Sends through the keep-alive agent; resolves at the response headers. */
  const send = (method: string, path: string, body?: string): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: hostname, port: Number(port), method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
  const readAll = (res: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
  const closedAt = (res: IncomingMessage): Promise<number> => new Promise((resolve) => res.socket.once('close', () => resolve(performance.now())));

  const long = await send('POST', '/v1/chat/completions', chatBody('long'));
  const longText = readAll(long);
  const short = await send('POST', '/v1/chat/completions', chatBody('short'));
  const shortClosed = closedAt(short);
  const shortText = readAll(short);
  const idle = await send('GET', '/healthz');
  assert.equal(idle.headers.connection, 'keep-alive');
  const idleClosed = closedAt(idle);
  await readAll(idle);
  // Three connections: two streaming, one idle in the agent's pool.
  assert.notEqual(long.socket, short.socket);
  assert.notEqual(idle.socket, short.socket);
  assert.notEqual(idle.socket, long.socket);

  // A raw kept-alive connection with a stream in flight; a second request follows on it once draining.
  let raw = '';
  const rawSocket = connect({ host: hostname, port: Number(port) });
  rawSocket.setEncoding('utf8');
  rawSocket.on('data', (chunk: string) => (raw += chunk));
  const rawClosed = new Promise<number>((resolve) => rawSocket.once('close', () => resolve(performance.now())));
  const rawRequest = (content: string): string =>
    `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(chatBody(content))}\r\n\r\n${chatBody(content)}`;
  rawSocket.write(rawRequest('short'));
  while (!raw.includes('data: ')) await sleep(10);

  const drainStarted = performance.now();
  const closing = h.server.close({ deadlineMs: 10_000 });
  rawSocket.write(rawRequest('short'));

  // The idle connection goes at once.
  assert.ok((await idleClosed) - drainStarted < 500, 'the idle kept-alive connection was closed at drain start');
  // The short stream's connection closes right after its answer, while the long stream still runs.
  assert.match(await shortText, /data: \[DONE\]/);
  const shortEnded = performance.now();
  assert.ok((await shortClosed) - shortEnded < 500, 'a connection whose answer ended during the drain was closed after it');
  // The request that arrived on the raw connection during the drain: a full stream, `connection: close`, then the close.
  const rawClosedAt = await rawClosed;
  const answers = raw.split(/(?=HTTP\/1\.1 )/);
  assert.equal(answers.length, 2, raw.slice(0, 500));
  assert.match(answers[0] ?? '', /^HTTP\/1\.1 200[\s\S]*\r\nconnection: keep-alive\r\n/i);
  assert.match(answers[1] ?? '', /^HTTP\/1\.1 200[\s\S]*\r\nconnection: close\r\n/i);
  assert.match(answers[1] ?? '', /data: \[DONE\]/);
  const longDone = await longText;
  assert.ok(rawClosedAt < performance.now(), 'the raw connection closed after its second answer');
  assert.match(longDone, /w19/);
  assert.match(longDone, /data: \[DONE\]/);
  await closing;
  assert.ok(performance.now() - drainStarted < 9_000, 'the drain ended with its streams, not at the deadline');
});
