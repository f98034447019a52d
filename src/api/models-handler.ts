/** GET /v1/models: routes first (what clients should use), then the configured models; GET /v1/models/{id}: one. */
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';

export function listModels(gateway: Gateway, created: number): { object: 'list'; data: Array<Record<string, unknown>> } {
  const data: Array<Record<string, unknown>> = [];
  for (const route of gateway.routes.values()) {
    data.push({ id: route.name, object: 'model', created, owned_by: 'tandem', tandem: { kind: 'route', models: route.models.map((m) => m.name) } });
  }
  for (const model of gateway.models.values()) {
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
export function retrieveModel(gateway: Gateway, id: string, created: number): Record<string, unknown> {
  const { data } = listModels(gateway, created);
  const found = data.find((entry) => entry.id === id);
  if (found) return found;
  throw new GatewayError({
    status: 404,
    code: 'model_not_found',
    param: 'model',
    message: `The model "${id}" does not exist. Valid ids: ${data.map((entry) => String(entry.id)).join(', ')}.`,
  });
}
