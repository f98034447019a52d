/**
 * GET /v1/models: routes first (what clients should use), then the configured models; GET /v1/models/{id}:
 * one. With an API key, only what that key may use (its `routes` and `models` globs), so a client that
 * offers the list to people offers nothing that would answer 403.
 */
import type { Gateway } from '../gateway/gateway.js';
import type { ApiKeyPrincipal } from '../governance/key-ring.js';
import { GatewayError } from '../spec/errors.js';

export function listModels(gateway: Gateway, created: number, key: ApiKeyPrincipal | null = null): { object: 'list'; data: Array<Record<string, unknown>> } {
  const data: Array<Record<string, unknown>> = [];
  for (const [name, route] of gateway.routes) {
    if (key && !key.allowsRoute(name)) continue;
    data.push({ id: route.name, object: 'model', created, owned_by: 'tandem', tandem: { kind: 'route', models: route.models.map((m) => m.name) } });
  }
  for (const model of gateway.models.values()) {
    // A routes-only key reaches models only through its routes: naming one directly would get 403.
    if (key && (key.scope === 'routes' || !key.allowsModel(model.name))) continue;
    data.push({
      id: model.name,
      object: 'model',
      created,
      owned_by: model.provider,
      tandem: { kind: 'model', locality: model.locality, context_window: model.contextWindow, capabilities: model.capabilities, pricing: model.pricing },
    });
  }
  return { object: 'list', data };
}

/** One entry of the list by id (a route's name may hold slashes: `tandem/auto`); 404 names the valid ids. */
export function retrieveModel(gateway: Gateway, id: string, created: number, key: ApiKeyPrincipal | null = null): Record<string, unknown> {
  const { data } = listModels(gateway, created, key);
  const found = data.find((entry) => entry.id === id);
  if (found) return found;
  throw new GatewayError({
    status: 404,
    code: 'model_not_found',
    param: 'model',
    message: `The model "${id}" does not exist. Valid ids: ${data.map((entry) => String(entry.id)).join(', ')}.`,
  });
}
