/**
 * Tandem's HTTP edge: node:http with a handful of routes (no framework: the route table is tiny and the
 * per-request budget is a fraction of a millisecond). Every response, errors included, is in OpenAI's
 * shape and carries the x-tandem-* headers.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';
import { handleChatCompletions, internalError, sendError } from './chat-completions-handler.js';
import { createEmbeddings } from './embeddings-handler.js';
import { listModels } from './models-handler.js';
import type { RequestContext } from './request-context.js';
import { routeHeaders } from './route-headers.js';
import { explainRoute } from './route-dry-run-handler.js';
import { parseJsonBody, readBody } from './read-body.js';

export interface TandemServer {
  server: Server;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops accepting, waits for in-flight requests up to the deadline, then closes the gateway. */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

type Handler = (gateway: Gateway, ctx: RequestContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const ROUTES: Record<string, Handler> = {
  'POST /v1/chat/completions': (gateway, ctx, _req, res) => handleChatCompletions(gateway, ctx, res),
  'GET /v1/models': (gateway, ctx, _req, res) => sendJson(res, 200, listModels(gateway, Math.floor(ctx.time / 1000)), ctx),
  'POST /v1/embeddings': async (gateway, ctx, req, res) => {
    const abort = abortOnClose(res);
    const { model, body } = await createEmbeddings(gateway, parseJsonBody(ctx.bodyText), abort.signal, ctx.id);
    sendJson(res, 200, body, ctx, model);
  },
  'POST /v1/route': async (gateway, ctx, req, res) => {
    const explanation = await explainRoute(gateway, parseJsonBody(ctx.bodyText), req.headers);
    sendJson(res, 200, explanation, ctx, null, explanation.reason);
  },
  'GET /healthz': (_gateway, ctx, _req, res) => sendJson(res, 200, { status: 'ok' }, ctx),
  'GET /readyz': (gateway, ctx, _req, res) =>
    gateway.draining ? sendJson(res, 503, { status: 'draining' }, ctx) : sendJson(res, 200, { status: 'ready' }, ctx),
};

const PUBLIC = new Set(['GET /healthz', 'GET /readyz']);
/** Endpoints that need the admin key (server.admin_key) rather than an API key. */
const ADMIN = new Set<string>([]);

export async function startServer(gateway: Gateway, options: { host?: string; port?: number } = {}): Promise<TandemServer> {
  const { server: serverConfig } = gateway.config;
  const keys = serverConfig.api_keys.map((k) => ({ hash: sha256(k), id: `key-${sha256(k).subarray(0, 4).toString('hex')}` }));
  const adminKeys = serverConfig.admin_key ? [{ hash: sha256(serverConfig.admin_key), id: 'admin' }] : [];
  const inFlight = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    void dispatch(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error instanceof GatewayError ? error : internalError(error));
      else res.destroy();
    });
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = `${req.method ?? 'GET'} ${path}`;
    const ctx: RequestContext = { id: randomUUID(), time: Date.now(), started: performance.now(), headers: req.headers, keyId: null, bodyText: '' };
    try {
      const handler = ROUTES[key];
      if (!handler) throw notFound(req.method ?? 'GET', path);
      if (ADMIN.has(key)) {
        if (adminKeys.length > 0) ctx.keyId = authenticate(req, adminKeys);
        else if (keys.length > 0) throw new GatewayError({ status: 403, code: 'admin_disabled', message: 'Admin endpoints need server.admin_key in tandem.yaml.' });
      } else if (keys.length > 0 && !PUBLIC.has(key)) ctx.keyId = authenticate(req, keys);
      if (req.method === 'POST') ctx.bodyText = await readBody(req, serverConfig.max_body_bytes);
      await handler(gateway, ctx, req, res);
    } catch (error) {
      const failure = error instanceof GatewayError ? error : internalError(error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body we refused to read must not be left on the connection.
      if (failure.status === 413) res.setHeader('connection', 'close');
      sendError(res, failure, routeHeaders({ ctx, model: null, reason: failure.code ?? 'error', overheadMs: performance.now() - ctx.started }));
    }
  }

  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? serverConfig.port, options.host ?? serverConfig.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    server,
    url: `http://${host}:${address.port}`,
    async close({ deadlineMs = 10_000 } = {}) {
      gateway.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
      await Promise.race([Promise.all([...inFlight].map((res) => new Promise((r) => (res.writableFinished ? r(null) : res.once('close', r))))), deadline]);
      server.closeAllConnections();
      await closed;
      await gateway.close();
    },
  };
}

function authenticate(req: IncomingMessage, keys: ReadonlyArray<{ hash: Buffer; id: string }>): string {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (!token) {
    throw new GatewayError({ status: 401, code: 'missing_api_key', message: 'Missing API key: send "Authorization: Bearer <key>".' });
  }
  const hash = sha256(token);
  const match = keys.find((k) => timingSafeEqual(k.hash, hash));
  if (!match) throw new GatewayError({ status: 401, code: 'invalid_api_key', message: 'Invalid API key.' });
  return match.id;
}

function notFound(method: string, path: string): GatewayError {
  const known = Object.keys(ROUTES).filter((k) => k.endsWith(` ${path}`));
  if (known.length > 0) {
    return new GatewayError({ status: 405, code: 'method_not_allowed', message: `${method} is not allowed on ${path}; use ${known.map((k) => k.split(' ')[0]).join(', ')}.` });
  }
  return new GatewayError({ status: 404, code: 'not_found', message: `No endpoint ${method} ${path}. Endpoints: ${Object.keys(ROUTES).join(', ')}.` });
}

function sendJson(res: ServerResponse, status: number, value: unknown, ctx: RequestContext, model: string | null = null, reason = ''): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...routeHeaders({ ctx, model, reason, overheadMs: performance.now() - ctx.started }),
  });
  res.end(body);
}

function abortOnClose(res: ServerResponse): AbortController {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
