/** readBody's body budget and timeout on a real node:http server, chunked bodies included. */
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { GatewayError } from '../spec/errors.js';
import { BodyBudget, FREE_BYTES_PER_REQUEST } from './body-budget.js';
import { readBody } from './read-body.js';

const KiB = 1024;
const budget = new BodyBudget(256 * KiB);
/** What each request's readBody settled with: the body's length, or the error's status. */
const server = createServer((req, res) => {
  readBody(req, { maxBytes: 1024 * KiB, budget, timeoutMs: 500 }).then(
    (text) => res.end(String(text.length)),
    (error: unknown) => {
      const status = error instanceof GatewayError ? error.status : 500;
      res.writeHead(status, { connection: 'close', ...(error instanceof GatewayError ? error.headers : {}) }).end(String(status));
    },
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A chunked POST (no content-length) that sends `parts` and, unless `stall`, ends. */
function post(parts: Buffer[], o: { stall?: boolean } = {}): { reply: Promise<{ status: number; body: string }>; end: () => void } {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' }, agent: false });
  const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  for (const part of parts) req.write(part);
  if (!o.stall) req.end();
  return { reply, end: () => req.destroy() };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check());
};

test('chunked bodies are counted as they arrive; past the budget 503, small bodies still pass, and every byte comes back', async () => {
  // 200 KiB past the free allowance, stalled: most of the 256 KiB budget is taken.
  const holder = post([Buffer.alloc(FREE_BYTES_PER_REQUEST + 200 * KiB, 0x20)], { stall: true });
  await until(() => budget.used === 200 * KiB);
  // Another 100 KiB past the allowance does not fit.
  const refused = await post([Buffer.alloc(FREE_BYTES_PER_REQUEST + 100 * KiB, 0x20)]).reply;
  assert.equal(refused.status, 503);
  // A body within the free allowance is read whatever the budget holds.
  assert.deepEqual(await post([Buffer.from('{"model":"x"}')]).reply, { status: 200, body: '13' });
  // The stalled one is cut at the timeout and gives its bytes back.
  assert.equal((await holder.reply).status, 408);
  assert.equal(budget.used, 0);
  // With the budget free again, a large body is read whole.
  assert.deepEqual(await post([Buffer.alloc(FREE_BYTES_PER_REQUEST + 200 * KiB, 0x20)]).reply, {
    status: 200,
    body: String(FREE_BYTES_PER_REQUEST + 200 * KiB),
  });
  assert.equal(budget.used, 0);
});

test('a client that goes away mid-body gives its bytes back', async () => {
  const gone = post([Buffer.alloc(FREE_BYTES_PER_REQUEST + 50 * KiB, 0x20)], { stall: true });
  gone.reply.catch(() => undefined);
  await until(() => budget.used === 50 * KiB);
  gone.end();
  await until(() => budget.used === 0);
});
