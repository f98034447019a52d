/**
 * A fake upstream on loopback for tests and benchmarks: real HTTP, scripted or recorded answers.
 *
 * Each route answers with a FakeResponse: a JSON body, a list of raw chunks written one by one (to replay
 * a recorded SSE stream exactly as the provider sent it, split across TCP writes), or a failure
 * (a status, a hang, a connection destroyed mid-body). Every request it receives is recorded, so leak
 * tests can assert what did or did not reach the upstream.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed body when it was JSON. */
  json: unknown;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON value (serialised) or a raw string. */
  body?: unknown;
  /** Raw chunks written in order, flushed separately; used for SSE. Bytes may split a UTF-8 character. */
  chunks?: Array<string | Uint8Array>;
  /** Delay before each chunk (ms). */
  chunkDelayMs?: number;
  /** Delay before the status line (ms), e.g. to trigger a timeout. */
  delayMs?: number;
  /** Destroy the socket: before sending anything, or after the chunks written so far. */
  destroy?: 'before-headers' | 'after-chunks';
}

export type FakeHandler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeUpstream {
  /** e.g. http://127.0.0.1:39123 */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler of a path (exact match on the path without query). */
  on(path: string, handler: FakeHandler | FakeResponse): void;
  /** Stops recording bodies (for long benchmarks). */
  recordRequests: boolean;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections: number;
  /** Responses the client closed before they were complete (a cancelled call, a timeout). */
  clientAborts: number;
  /** Resolves once `clientAborts` reaches `count`; rejects after `timeoutMs`. */
  waitForClientAborts(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeUpstream(routes: Record<string, FakeHandler | FakeResponse> = {}): Promise<FakeUpstream> {
  const handlers = new Map<string, FakeHandler>();
  const on = (path: string, handler: FakeHandler | FakeResponse): void => {
    handlers.set(path, typeof handler === 'function' ? handler : () => handler);
  };
  for (const [path, handler] of Object.entries(routes)) on(path, handler);

  const abortWaiters = new Set<() => void>();
  const upstream: FakeUpstream = {
    url: '',
    requests: [],
    on,
    recordRequests: true,
    clientAborts: 0,
    connections: 0,
    waitForClientAborts: (count, timeoutMs = 2_000) =>
      new Promise<void>((resolve, reject) => {
        if (upstream.clientAborts >= count) return resolve();
        const timer = setTimeout(() => {
          abortWaiters.delete(check);
          reject(new Error(`fake upstream saw ${upstream.clientAborts} client aborts, expected ${count}`));
        }, timeoutMs);
        const check = (): void => {
          if (upstream.clientAborts < count) return;
          clearTimeout(timer);
          abortWaiters.delete(check);
          resolve();
        };
        abortWaiters.add(check);
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let destroyedByUs = false;
    res.on('close', () => {
      if (res.writableFinished || destroyedByUs) return;
      upstream.clientAborts++;
      for (const check of [...abortWaiters]) check();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, json };
    if (upstream.recordRequests) upstream.requests.push(recorded);

    const handler = handlers.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake upstream has no route ${path}`, type: 'not_found' } }));
      return;
    }
    const answer = await handler(recorded);
    if (answer.delayMs) await sleep(answer.delayMs);
    if (answer.destroy === 'before-headers') {
      destroyedByUs = true;
      req.socket.destroy();
      return;
    }
    if (answer.chunks) {
      res.writeHead(answer.status ?? 200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        ...answer.headers,
      });
      res.flushHeaders();
      for (const chunk of answer.chunks) {
        if (answer.chunkDelayMs) await sleep(answer.chunkDelayMs);
        if (res.destroyed) return;
        res.write(chunk);
      }
      if (answer.destroy === 'after-chunks') {
        destroyedByUs = true;
        req.socket.destroy();
        return;
      }
      res.end();
      return;
    }
    const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status ?? 200, {
      'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...answer.headers,
    });
    res.end(payload);
  }

  server.on('connection', () => {
    upstream.connections++;
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

/**
 * Splits a recorded SSE stream into chunks of at most `size` UTF-8 bytes, so multi-byte characters
 * (and surrogate pairs) are cut the way TCP cuts them.
 */
export function splitIntoByteChunks(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Splits a recorded SSE stream into chunks of at most `size` characters, to exercise split events. */
export function splitIntoChunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
