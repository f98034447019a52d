import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { dispatchText, type AbortEmitter } from './dispatch-text.js';

class Aborter extends EventEmitter implements AbortEmitter {
  aborted = false;
  reason: unknown = undefined;
  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('dispatchText', () => {
  let handler: Handler = (_req, res) => res.end();
  let closedByClient = 0;
  let answered = 0;
  const server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) closedByClient++;
    });
    req.resume();
    req.on('end', () => {
      answered++;
      handler(req, res);
    });
  });
  let pool: Pool;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 2 });
  });
  after(async () => {
    await pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (aborter: AbortEmitter = new Aborter(), maxErrorBytes = 1024, on: Pool = pool) =>
    dispatchText(on, { path: '/x', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, aborter, maxErrorBytes);

  async function waitForClientClose(before: number): Promise<void> {
    const deadline = Date.now() + 2_000;
    while (closedByClient === before && Date.now() < deadline) await sleep(10);
    assert.equal(closedByClient, before + 1, 'the upstream saw the connection close');
  }

  /** Writes `bytes` in pieces, each its own write a loop turn apart, so they reach the client as many chunks. */
  function writeInPieces(res: ServerResponse, bytes: Buffer, size: number): void {
    let offset = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (offset >= bytes.length) return void res.end();
      res.write(bytes.subarray(offset, offset + size));
      offset += size;
      setImmediate(next);
    };
    next();
  }

  test('joins a body sent in many chunks, multi-byte characters split between them', async () => {
    const text = JSON.stringify({ answer: 'žluťoučký kůň 🐎'.repeat(50) });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      writeInPieces(res, Buffer.from(text), 7);
    };
    const response = await call();
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-upstream'], 'yes');
    assert.equal(response.text, text);
  });

  test('an empty body is an empty string', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    const { statusCode, text } = await call();
    assert.deepEqual({ statusCode, text }, { statusCode: 204, text: '' });
  });

  test('a non-2xx body over the limit is cut there and its connection dropped', async () => {
    const before = closedByClient;
    handler = (_req, res) => {
      res.writeHead(500, { 'retry-after': '3' });
      writeInPieces(res, Buffer.alloc(1_000_000, 'x'), 1_000);
    };
    const response = await call(new Aborter(), 4096);
    assert.equal(response.statusCode, 500);
    assert.equal(response.headers['retry-after'], '3');
    assert.equal(response.text, 'x'.repeat(4096));
    await waitForClientClose(before);
  });

  test('a 2xx body is never cut', async () => {
    const text = 'y'.repeat(100_000);
    handler = (_req, res) => res.writeHead(200).end(text);
    assert.equal((await call(new Aborter(), 100)).text, text);
  });

  test('an abort while waiting rejects with its reason and closes the connection', async () => {
    const before = closedByClient;
    handler = () => {}; // never answers
    const aborter = new Aborter();
    const pending = call(aborter);
    setTimeout(() => aborter.abort(new Error('client went away')), 30);
    await assert.rejects(pending, /client went away/);
    await waitForClientClose(before);
    assert.equal(aborter.listenerCount('abort'), 0, 'leaves no listener behind');
  });

  test('an abort while queued for a socket rejects at once, and the call is never sent', { timeout: 5_000 }, async () => {
    const single = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
    try {
      handler = () => {}; // never answers, so the one connection stays busy
      const busy = new Aborter();
      const before = answered;
      const first = call(busy, 1024, single);
      // The first call holds the only connection once the upstream has it (polled: a loaded machine can take longer than any fixed sleep).
      const deadline = Date.now() + 4_000;
      while (answered === before && Date.now() < deadline) await sleep(5);
      const sent = answered;
      assert.equal(sent, before + 1, 'the first call reached the upstream');
      const queued = new Aborter();
      const second = call(queued, 1024, single);
      const started = Date.now();
      queued.abort(new Error('gave up in the queue'));
      await assert.rejects(second, /gave up in the queue/);
      assert.ok(Date.now() - started < 500);
      busy.abort(new Error('done'));
      await assert.rejects(first, /done/);
      await sleep(100);
      assert.equal(answered, sent, 'the aborted call never reached the upstream');
    } finally {
      await single.destroy();
    }
  });

  test('an aborter that fired before the call rejects it without sending anything', async () => {
    handler = (_req, res) => res.end('{}');
    const sent = answered;
    const aborter = new Aborter();
    aborter.abort(new Error('already gone'));
    await assert.rejects(call(aborter), /already gone/);
    assert.equal(aborter.listenerCount('abort'), 0);
    await sleep(50);
    assert.equal(answered, sent);
  });

  test('a connection cut mid-body rejects', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"half":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await assert.rejects(call(), (error: Error & { code?: string }) => typeof error.code === 'string' && error.code.startsWith('UND_ERR'));
  });

  test('a finished call leaves no listener on the aborter', async () => {
    handler = (_req, res) => res.end('{"ok":true}');
    const aborter = new Aborter();
    assert.equal((await call(aborter)).text, '{"ok":true}');
    assert.equal(aborter.listenerCount('abort'), 0);
  });
});
