/**
 * Routing's stages as spans (routing/routing-trace.ts), children of the request span: `tandem.policies`,
 * `tandem.routing`, and one GenAI client span `chat <model>` per upstream call, so retries and fallbacks
 * show as siblings. For a stream the attempt span ends at its first content part: that is when Tandem
 * commits to the model; the rest of the stream belongs to the request span.
 */
import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { RoutingTrace } from '../../routing/routing-trace.js';
import { ProviderError } from '../../spec/errors.js';
import { failSpan, startChildSpan } from './tandem-tracer.js';

const ENDED = { end: () => undefined, succeeded: () => undefined, failed: () => undefined };

export const routingSpans: RoutingTrace = {
  policies() {
    const span = startChildSpan('tandem.policies');
    if (!span) return ENDED;
    return {
      end({ allowed, refused }) {
        span.setAttributes({ 'tandem.candidates.allowed': allowed.map((m) => m.name), 'tandem.candidates.refused': [...refused] }).end();
      },
    };
  },

  routing(routerType) {
    const span = startChildSpan('tandem.routing', { attributes: { 'tandem.router.type': routerType } });
    if (!span) return ENDED;
    return {
      end({ decision, reason, order }) {
        const attributes: Attributes = {
          'tandem.decision.reason': reason,
          'tandem.decision.model': order[0]?.name ?? '',
          'tandem.fallback_order': order.slice(1).map((m) => m.name),
        };
        if (decision.score !== null) attributes['tandem.router.score'] = decision.score;
        if (decision.threshold !== null) attributes['tandem.router.threshold'] = decision.threshold;
        span.setAttributes(attributes).end();
      },
    };
  },

  attempt(model, index) {
    const span = startChildSpan(`chat ${model.upstreamModel}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model.upstreamModel,
        'gen_ai.provider.name': model.provider,
        'gen_ai.system': model.provider,
        'tandem.model': model.name,
        'tandem.locality': model.locality,
        'tandem.attempt': index + 1,
      },
    });
    if (!span) return ENDED;
    return {
      succeeded: () => span.end(),
      failed(error) {
        failSpan(span, error);
        if (error instanceof ProviderError) {
          span.setAttribute('tandem.upstream.error_kind', error.kind);
          if (error.statusCode !== undefined) span.setAttribute('http.response.status_code', error.statusCode);
        }
        span.end();
      },
    };
  },
};
