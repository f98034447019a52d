/**
 * Tandem's HTTP edge: node:http with a handful of routes (no framework: the route table is tiny and the
 * per-request budget is a fraction of a millisecond). Every response, errors included, is in OpenAI's
 * shape and carries the x-tandem-* headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';
import { internalError } from '../gateway/pipeline.js';
import { handleChatCompletions, sendError } from './openai-chat/chat-completions-edge.js';
import { handleCountTokens, handleMessages } from './anthropic-messages/messages-edge.js';
import { sendAnthropicError } from './anthropic-messages/anthropic-error.js';
import { handleResponses } from './openai-responses/responses-edge.js';
import { createEmbeddings } from './embeddings-handler.js';
import { listModels, retrieveModel } from './models-handler.js';
import type { RequestContext } from './request-context.js';
import { newRequestId } from './request-id.js';
import { routeHeaders } from './route-headers.js';
import { endpointIndex } from './endpoint-index.js';
import { explainRoute } from './route-dry-run-handler.js';
import { parseJsonBody, readBody } from './read-body.js';
import { checkEmbeddingCounts } from './json-shape-limits.js';
import { AuthenticationError, authorizeModelField, createAuthenticator } from './authenticate.js';
import { AuthFailureRecorder } from './auth-failure-recorder.js';
import { BodyBudget } from './body-budget.js';
import { createKeyHandler, listKeysHandler, revokeKeyHandler, verifyAuditHandler } from './admin-keys.js';
import { listExperimentsHandler, stopExperimentHandler } from './admin-experiments.js';
import { installedMetrics, serveMetrics } from '../telemetry/metrics/metrics-endpoint.js';
import { startTelemetry } from '../telemetry/start-telemetry.js';
import { dashboardRequest, dashboardRequests, dashboardSeries } from './admin-dashboard-api.js';
import { dashboardFiles } from './admin-dashboard-files.js';
import { dashboardModels } from './admin-dashboard-models.js';
import { adminCollectionOperation, COLLECTION_ENDPOINTS, COLLECTIONS_PATH } from './admin-collections.js';
import { adminRegistryOperation } from './admin-registry.js';
import { FEEDBACK_ENDPOINT, handleFeedback, hasFeedbackHeaders, recordHeaderFeedback } from '../lifecycle/feedback-handler.js';

export interface TandemServer {
  server: Server;
  /** e.g. http://127.0.0.1:8421 */
  url: string;
  /** The separate metrics listener (`telemetry.metrics.port`), e.g. http://127.0.0.1:9464/metrics. */
  metricsUrl: string | undefined;
  /** Stops accepting, waits for in-flight requests up to the deadline, then closes the gateway. */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

type Handler = (gateway: Gateway, ctx: RequestContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const ROUTES: Record<string, Handler> = {
  'POST /v1/chat/completions': (gateway, ctx, _req, res) => handleChatCompletions(gateway, ctx, res),
  'POST /v1/messages': (gateway, ctx, _req, res) => handleMessages(gateway, ctx, res),
  'POST /v1/messages/count_tokens': (gateway, ctx, _req, res) => handleCountTokens(gateway, ctx, res),
  'POST /v1/responses': (gateway, ctx, _req, res) => handleResponses(gateway, ctx, res),
  'GET /v1/models': (gateway, ctx, _req, res) => sendJson(res, 200, listModels(gateway, Math.floor(ctx.time / 1000), ctx.key), ctx),
  // GET /v1/models/{id}: prefixHandler below.
  'POST /v1/embeddings': async (gateway, ctx, _req, res) => {
    const abort = abortOnClose(res);
    const input = parseJsonBody(ctx.bodyText, gateway.config.server);
    checkEmbeddingCounts(input, gateway.config.server);
    authorizeModelField(gateway, ctx.key, input);
    const { model, body } = await createEmbeddings(gateway, input, { signal: abort.signal, requestId: ctx.id, key: ctx.key ?? null });
    sendJson(res, 200, body, ctx, model);
  },
  'POST /v1/route': async (gateway, ctx, req, res) => {
    const input = parseJsonBody(ctx.bodyText, gateway.config.server);
    authorizeModelField(gateway, ctx.key, input);
    const explanation = await explainRoute(gateway, input, req.headers);
    sendJson(res, 200, explanation, ctx, null, explanation.reason);
  },
  [FEEDBACK_ENDPOINT]: async (gateway, ctx, _req, res) =>
    sendJson(res, 200, await handleFeedback(gateway, ctx, parseJsonBody(ctx.bodyText, gateway.config.server)), ctx),
  'GET /healthz': (_gateway, ctx, _req, res) => sendJson(res, 200, { status: 'ok' }, ctx),
  'GET /metrics': (gateway, _ctx, _req, res) => serveMetrics(gateway, res),
  'GET /admin/dashboard/series': async (gateway, ctx, req, res) => sendJson(res, 200, await dashboardSeries(gateway, searchParams(req)), ctx),
  'GET /admin/dashboard/requests': async (gateway, ctx, req, res) => sendJson(res, 200, await dashboardRequests(gateway, searchParams(req)), ctx),
  'GET /admin/dashboard/request': async (gateway, ctx, req, res) => sendJson(res, 200, await dashboardRequest(gateway, searchParams(req)), ctx),
  'GET /admin/dashboard/models': async (gateway, ctx, _req, res) => sendJson(res, 200, await dashboardModels(gateway), ctx),
  'GET /admin/keys': async (gateway, ctx, _req, res) => sendJson(res, 200, await listKeysHandler(gateway), ctx),
  'POST /admin/keys': async (gateway, ctx, _req, res) =>
    sendJson(res, 201, await createKeyHandler(gateway, parseJsonBody(ctx.bodyText, gateway.config.server)), ctx),
  'POST /admin/keys/revoke': async (gateway, ctx, _req, res) =>
    sendJson(res, 200, await revokeKeyHandler(gateway, parseJsonBody(ctx.bodyText, gateway.config.server)), ctx),
  'GET /admin/audit/verify': async (gateway, ctx, _req, res) => sendJson(res, 200, await verifyAuditHandler(gateway), ctx),
  'GET /admin/experiments': async (gateway, ctx, req, res) => sendJson(res, 200, await listExperimentsHandler(gateway, searchParams(req)), ctx),
  'POST /admin/experiments/stop': async (gateway, ctx, _req, res) =>
    sendJson(res, 200, await stopExperimentHandler(gateway, parseJsonBody(ctx.bodyText, gateway.config.server)), ctx),
  'GET /readyz': (gateway, ctx, _req, res) => {
    if (gateway.draining) return sendJson(res, 503, { status: 'draining' }, ctx);
    // A store that cannot commit (its database is down): take this replica out of rotation until it can.
    if (gateway.store.health?.().ready === false) return sendJson(res, 503, { status: 'store unavailable' }, ctx);
    return sendJson(res, 200, { status: 'ready' }, ctx);
  },
};

const PUBLIC = new Set(['GET /healthz', 'GET /readyz']);
/** Endpoints that need the admin key (server.admin_key) rather than an API key. */
const ADMIN = new Set<string>([
  'GET /admin/keys',
  'POST /admin/keys',
  'POST /admin/keys/revoke',
  'GET /admin/audit/verify',
  'GET /admin/experiments',
  'POST /admin/experiments/stop',
  'GET /metrics',
  'GET /admin/dashboard/series',
  'GET /admin/dashboard/requests',
  'GET /admin/dashboard/request',
  'GET /admin/dashboard/models',
]);

export async function startServer(gateway: Gateway, options: { host?: string; port?: number } = {}): Promise<TandemServer> {
  const { server: serverConfig } = gateway.config;
  if (!gateway.governance) throw new Error('startServer needs a gateway built by Gateway.create');
  const auth = createAuthenticator({ config: serverConfig, keys: gateway.governance.keys, host: options.host ?? serverConfig.host });
  const inFlight = new Set<ServerResponse>();
  // Handlers still running (a stream cut at the drain deadline still logs its row): close waits for them
  // before it closes the store.
  const handlers = new Set<Promise<void>>();
  // Before listening, so the metrics and tracing observers see the first request.
  const telemetry = await startTelemetry(gateway, { host: options.host ?? serverConfig.host });
  const metrics = installedMetrics(gateway);
  // Resource limits of the edge (docs/security.md#resource-limits): bodies being read share one budget.
  const bodyBudget = new BodyBudget(serverConfig.max_inflight_body_bytes);
  metrics?.readBodyBytesFrom(() => bodyBudget.used);
  const authFailures = new AuthFailureRecorder({ audit: gateway.governance.audit, metrics });

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // A request that arrives on a kept-alive connection while draining is served, but the client is told
    // not to send another on it (and the connection closes after it).
    if (gateway.draining) res.setHeader('connection', 'close');
    const handling = dispatch(req, res).catch((error: unknown) => {
      if (!res.headersSent) errorSender(req)(res, error instanceof GatewayError ? error : internalError(error));
      else res.destroy();
    });
    handlers.add(handling);
    void handling.finally(() => handlers.delete(handling));
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = `${req.method ?? 'GET'} ${path}`;
    const time = Date.now();
    const ctx: RequestContext = { id: newRequestId(time), time, started: performance.now(), headers: req.headers, keyId: null, bodyText: '' };
    try {
      // The dashboard's static files: a prefix, not an exact key; public, as they hold no data.
      const dashboard = dashboardFiles(req, res, path);
      if (dashboard !== null) return await dashboard;
      if (key === 'GET /')
        return sendJson(
          res,
          200,
          endpointIndex({
            endpoints: [...Object.keys(ROUTES), `GET ${MODEL_PREFIX}{id}`, ...COLLECTION_ENDPOINTS],
            admin: new Set([...ADMIN, ...COLLECTION_ENDPOINTS]),
            showAdmin: hasAdminKey(req),
          }),
          ctx,
        );
      // Retrieval collections (/admin/collections/{name}…): admin endpoints whose path carries a name.
      const collections = collectionHandler(req.method ?? 'GET', path);
      // The model registry (/admin/registry/{kind}/{name}…, api/admin-registry.ts): admin endpoints whose path carries names.
      const registry = registryHandler(req.method ?? 'GET', path);
      const handler = ROUTES[key] ?? prefixHandler(req.method ?? 'GET', path) ?? collections ?? registry;
      if (!handler) throw notFound(req.method ?? 'GET', path);
      if (ADMIN.has(key) || collections !== undefined || registry !== undefined) {
        auth.admin(req);
        if (serverConfig.admin_key !== undefined) ctx.keyId = 'admin';
      } else if (key === FEEDBACK_ENDPOINT && hasAdminKey(req)) {
        // The admin key may rate any request (lifecycle/feedback-handler.ts).
        ctx.keyId = 'admin';
      } else if (!PUBLIC.has(key)) {
        ctx.key = auth.api(req);
        ctx.keyId = ctx.key?.id ?? null;
      }
      if (req.method === 'POST') {
        ctx.bodyText = await readBody(req, { maxBytes: serverConfig.max_body_bytes, budget: bodyBudget, timeoutMs: serverConfig.body_timeout_ms });
      }
      // A rating of an earlier request in the headers (docs/lifecycle.md#feedback): recorded before serving.
      if (!ADMIN.has(key) && !PUBLIC.has(key) && hasFeedbackHeaders(ctx)) await recordHeaderFeedback(gateway, ctx, res);
      await handler(gateway, ctx, req, res);
    } catch (error) {
      const failure = error instanceof GatewayError ? error : internalError(error);
      if (error instanceof AuthenticationError) {
        authFailures.record({
          error,
          requestId: ctx.id,
          time: ctx.time,
          address: req.socket.remoteAddress,
          endpoint: ROUTES[key] ? key : `${req.method ?? 'GET'} ${path.startsWith(COLLECTIONS_PATH) ? `${COLLECTIONS_PATH}/{name}` : `${MODEL_PREFIX}{id}`}`,
        });
      } else if (failure.code === 'request_timeout') {
        metrics?.edgeRefusal('body_timeout_ms');
      } else if (failure.code === 'server_busy') {
        metrics?.edgeRefusal('max_inflight_body_bytes');
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body we refused to read must not be left on the connection.
      if (failure.status === 413) res.setHeader('connection', 'close');
      errorSender(req)(res, failure, routeHeaders({ ctx, model: null, reason: failure.code ?? 'error', overheadMs: performance.now() - ctx.started }));
    }
  }

  /** Whether the request carries the admin key; never throws, and a wrong key is not an auth failure here. */
  function hasAdminKey(req: IncomingMessage): boolean {
    if (serverConfig.admin_key === undefined || req.headers.authorization === undefined) return false;
    try {
      auth.admin(req);
      return true;
    } catch {
      return false;
    }
  }

  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A connection past the cap is closed as soon as it is accepted: answering it would mean reading it.
  server.maxConnections = serverConfig.max_connections;
  server.on('drop', () => metrics?.edgeRefusal('max_connections'));
  // Node's own whole-request deadline (300 s by default, checked every 30 s) is the backstop for bodies no
  // handler reads (a POST refused before its body, then stalled); readBody's body_timeout_ms is the real one.
  server.requestTimeout = server.headersTimeout + serverConfig.body_timeout_ms;
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
    metricsUrl: telemetry.metricsUrl,
    async close({ deadlineMs = 10_000 } = {}) {
      gateway.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Answers still going out promised keep-alive in their headers: each connection is closed as soon as
      // it is idle, rather than left for the client to reuse until the deadline.
      const closeIdleSoon = (): void => void setImmediate(() => server.closeIdleConnections());
      for (const res of inFlight) res.once('finish', closeIdleSoon);
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
      // Re-checked until empty: requests that arrived on kept-alive connections meanwhile are waited for too.
      const settled = async (): Promise<void> => {
        while (inFlight.size > 0) {
          await Promise.all([...inFlight].map((res) => new Promise((r) => (res.writableFinished ? r(null) : res.once('close', r)))));
        }
      };
      await Promise.race([settled(), deadline]);
      server.closeAllConnections();
      await closed;
      const settledOrLate = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
      await Promise.race([Promise.allSettled([...handlers]), settledOrLate]);
      await authFailures.close();
      await telemetry.close();
      await gateway.close();
    },
  };
}

const MODEL_PREFIX = '/v1/models/';

/** GET, DELETE /admin/collections/{name}, POST …/{name}/documents, GET /admin/collections (api/admin-collections.ts). */
function collectionHandler(method: string, path: string): Handler | undefined {
  const operation = adminCollectionOperation(method, path);
  if (operation === undefined) return undefined;
  return async (gateway, ctx, _req, res) => {
    const { status, body } = await operation(gateway, ctx.bodyText, abortOnClose(res).signal);
    sendJson(res, status, body, ctx);
  };
}

/** GET /admin/registry…, POST /admin/registry/{kind}/{name}/promote|rollback|retire (api/admin-registry.ts). */
function registryHandler(method: string, path: string): Handler | undefined {
  const operation = adminRegistryOperation(method, path);
  if (operation === undefined) return undefined;
  return async (gateway, ctx, req, res) => {
    const { status, body } = await operation(gateway, ctx.bodyText, searchParams(req));
    sendJson(res, status, body, ctx);
  };
}

/** Errors in the caller's API's shape: Anthropic's under /v1/messages, OpenAI's everywhere else. */
function errorSender(req: IncomingMessage): typeof sendError {
  return (req.url ?? '').startsWith('/v1/messages') ? sendAnthropicError : sendError;
}

/** Endpoints whose path carries an id: GET /v1/models/{id} (the openai client sends `tandem%2Fauto`). */
function prefixHandler(method: string, path: string): Handler | undefined {
  if (method !== 'GET' || !path.startsWith(MODEL_PREFIX) || path.length === MODEL_PREFIX.length) return undefined;
  return (gateway, ctx, _req, res) => {
    let id: string;
    try {
      id = decodeURIComponent(path.slice(MODEL_PREFIX.length));
    } catch {
      throw new GatewayError({ status: 400, param: 'model', message: `The model id in ${path} is not valid percent-encoding.` });
    }
    sendJson(res, 200, retrieveModel(gateway, id, Math.floor(ctx.time / 1000), ctx.key), ctx);
  };
}

function notFound(method: string, path: string): GatewayError {
  const known = Object.keys(ROUTES).filter((k) => k.endsWith(` ${path}`));
  if (known.length > 0) {
    return new GatewayError({
      status: 405,
      code: 'method_not_allowed',
      message: `${method} is not allowed on ${path}; use ${known.map((k) => k.split(' ')[0]).join(', ')}.`,
    });
  }
  const endpoints = [...Object.keys(ROUTES).filter((k) => !ADMIN.has(k)), `GET ${MODEL_PREFIX}{id}`];
  return new GatewayError({
    status: 404,
    code: 'not_found',
    message: `No endpoint ${method} ${path}. Endpoints: ${endpoints.join(', ')} (GET / lists them; the dashboard is at /dashboard).`,
  });
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

function searchParams(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}
