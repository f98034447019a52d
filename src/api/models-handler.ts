/** GET /v1/models: routes first (what clients should use), then the configured models. */
import type { Gateway } from '../gateway/gateway.js';

export function listModels(gateway: Gateway, created: number): Record<string, unknown> {
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
