/**
 * The admin API for the model registry (server.admin_key; docs/lifecycle.md#registry):
 * GET /admin/registry[?kind=&name=], GET /admin/registry/{kind}, GET /admin/registry/{kind}/{name},
 * POST /admin/registry/{kind}/{name}/promote {version, reason?}, POST …/rollback {reason?},
 * POST …/retire {version, reason?}, POST …/canary {version, reason?}.
 *
 * Names may hold slashes (`tandem/auto`): the path after the kind is the name, less a trailing action on
 * a POST; `%2F` works too. A change applies on this replica before the answer and on the others within
 * `registry.poll_interval_ms`.
 */
import type { Gateway } from '../gateway/gateway.js';
import { isArtifactKind } from '../lifecycle/artifact-registry.js';
import { RegistryError, type RegistryChangeResult } from '../lifecycle/registry-service.js';
import { entryView, eventView } from '../lifecycle/registry-views.js';
import { GatewayError } from '../spec/errors.js';
import { parseJsonBody } from './read-body.js';

export const REGISTRY_PATH = '/admin/registry';

const ACTIONS = ['promote', 'rollback', 'retire', 'canary'] as const;

/** What an admin registry request does: its status and JSON answer. */
export type RegistryOperation = (gateway: Gateway, bodyText: string, query: URLSearchParams) => Promise<{ status: number; body: unknown }>;

/**
 * The operation a method and path under /admin/registry name, or undefined for a path elsewhere. A bad
 * method, kind or action is refused when the operation runs, so after the admin key was checked.
 */
export function adminRegistryOperation(method: string, path: string): RegistryOperation | undefined {
  if (path !== REGISTRY_PATH && !path.startsWith(`${REGISTRY_PATH}/`)) return undefined;
  return async (gateway, bodyText, query) => resolveOperation(method, path)(gateway, bodyText, query);
}

function resolveOperation(method: string, path: string): RegistryOperation {
  if (path === REGISTRY_PATH || path === `${REGISTRY_PATH}/`) {
    if (method !== 'GET') return methodNotAllowed(method, path, 'GET');
    return async (gateway, _body, query) => ({ status: 200, body: await list(gateway, query.get('kind') ?? undefined, query.get('name') ?? undefined) });
  }
  const [kindPart = '', ...rest] = path.slice(REGISTRY_PATH.length + 1).split('/');
  const kind = decode(kindPart, 'kind');
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
    if (method !== 'GET') return methodNotAllowed(method, path, 'GET');
    return async (gateway) => ({ status: 200, body: await list(gateway, kind, undefined) });
  }
  const last = rest.at(-1) as string;
  if (method === 'POST') {
    const action = ACTIONS.find((a) => a === last);
    if (action === undefined || rest.length < 2) {
      throw new GatewayError({
        status: 404,
        code: 'not_found',
        message: `POST ${path} names no registry action; POST ${REGISTRY_PATH}/{kind}/{name}/promote, /rollback, /retire or /canary.`,
      });
    }
    const name = decode(rest.slice(0, -1).join('/'), 'name');
    return async (gateway, bodyText) => ({ status: 200, body: await change(gateway, action, kind, name, bodyText) });
  }
  if (method !== 'GET') return methodNotAllowed(method, path, 'GET, POST');
  const name = decode(rest.join('/'), 'name');
  return async (gateway) => ({ status: 200, body: await show(gateway, kind, name) });
}

async function list(gateway: Gateway, kind: string | undefined, name: string | undefined): Promise<unknown> {
  if (kind !== undefined && !isArtifactKind(kind)) throw toGatewayError(invalidKind(kind));
  const entries = await gateway.store.registry.list({ ...(kind === undefined ? {} : { kind }), ...(name === undefined ? {} : { name }) });
  return { object: 'list', data: entries.map(entryView) };
}

async function show(gateway: Gateway, kind: string, name: string): Promise<unknown> {
  const service = serviceOf(gateway);
  try {
    const { versions, events } = await service.show(kind, name);
    return {
      object: 'registry.artifact',
      kind,
      name,
      live: versions.find((v) => v.status === 'live')?.version ?? null,
      versions: versions.map(entryView),
      events: events.map(eventView),
    };
  } catch (error) {
    throw toGatewayError(error);
  }
}

async function change(gateway: Gateway, action: (typeof ACTIONS)[number], kind: string, name: string, bodyText: string): Promise<unknown> {
  const body = bodyText.trim() === '' && action === 'rollback' ? {} : parseJsonBody(bodyText, gateway.config.server);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError({ status: 400, message: `Send a JSON object: {${action === 'rollback' ? '' : '"version": 3, '}"reason": "…"}.` });
  }
  const fields = body as Record<string, unknown>;
  const allowed = action === 'rollback' ? ['reason'] : ['version', 'reason'];
  const unknown = Object.keys(fields).find((k) => !allowed.includes(k));
  if (unknown !== undefined)
    throw new GatewayError({ status: 400, param: unknown, message: `Unknown field "${unknown}"; ${action} takes ${allowed.join(' and ')}.` });
  if (fields.reason !== undefined && typeof fields.reason !== 'string')
    throw new GatewayError({ status: 400, param: 'reason', message: '`reason` must be a string.' });
  if (action !== 'rollback' && fields.version === undefined) {
    throw new GatewayError({ status: 400, param: 'version', message: `Send {"version": <n>} to ${action} a version of ${kind}/${name}.` });
  }
  const by = { actor: 'admin-api', reason: (fields.reason as string | undefined) ?? null };
  const registry = gateway.registry;
  const service = serviceOf(gateway);
  let result: RegistryChangeResult;
  try {
    if (action === 'promote') result = await service.promote({ kind, name, version: fields.version }, by);
    else if (action === 'rollback') result = await service.rollback({ kind, name }, by);
    else if (action === 'canary') result = await service.canary({ kind, name, version: fields.version }, by);
    else result = await service.retire({ kind, name, version: fields.version }, by);
  } catch (error) {
    throw toGatewayError(error);
  }
  // This replica serves the change before answering; the others pick it up at their next poll.
  await registry?.watch.check();
  return { object: `registry.${action}`, entry: entryView(result.entry), previous: result.previous ? entryView(result.previous) : null };
}

function serviceOf(gateway: Gateway) {
  if (gateway.registry === undefined) throw new Error('the gateway has no registry (built without Gateway.create)');
  return gateway.registry.service;
}

function invalidKind(kind: string): RegistryError {
  return new RegistryError('invalid', `Unknown artifact kind ${JSON.stringify(kind)}; one of router-scorer, cascade-verifier, task-student, model.`, 'kind');
}

function toGatewayError(error: unknown): unknown {
  if (!(error instanceof RegistryError)) return error;
  const status = error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 400;
  const code = error.code === 'not_found' ? 'artifact_not_found' : error.code === 'conflict' ? 'registry_conflict' : 'invalid_value';
  return new GatewayError({ status, code, param: error.param ?? null, message: error.message });
}

function decode(part: string, param: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new GatewayError({ status: 400, param, message: `The ${param} in the path is not valid percent-encoding.` });
  }
}

function methodNotAllowed(method: string, path: string, allowed: string): never {
  throw new GatewayError({ status: 405, code: 'method_not_allowed', message: `${method} is not allowed on ${path}; use ${allowed}.` });
}
