/** The attributes of the `tandem.routing` span: what the router decided and the fallback order it implies. */
import type { Attributes } from '@opentelemetry/api';
import type { RouterDecision } from '../../routing/router.js';
import type { ModelInfo } from '../../spec/model-info.js';

export function routingAttributes(options: { decision: RouterDecision; reason: string; order: readonly ModelInfo[] }): Attributes {
  const attributes: Attributes = {
    'tandem.decision.reason': options.reason,
    'tandem.decision.model': options.order[0]?.name ?? '',
    'tandem.fallback_order': options.order.slice(1).map((m) => m.name),
  };
  if (options.decision.score !== null) attributes['tandem.router.score'] = options.decision.score;
  if (options.decision.threshold !== null) attributes['tandem.router.threshold'] = options.decision.threshold;
  return attributes;
}
