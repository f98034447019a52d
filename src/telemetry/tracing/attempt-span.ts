/**
 * One span per upstream call (GenAI client span `chat <model>`), so retries and fallbacks show as
 * siblings under the request span. For a stream the span ends at its first content part: that is when
 * Tandem commits to the model; the rest of the stream belongs to the request span.
 */
import { SpanKind, type Span } from '@opentelemetry/api';
import { ProviderError } from '../../spec/errors.js';
import type { ModelInfo } from '../../spec/model-info.js';
import { activeTracer, failSpan, startChildSpan } from './tandem-tracer.js';

/** `index` is the number of attempts before this one on the request (0: the router's choice, first try). */
export function startAttemptSpan(model: ModelInfo, index: number): Span | undefined {
  if (activeTracer() === undefined) return undefined;
  return startChildSpan(`chat ${model.upstreamModel}`, {
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
}

export function endFailedAttemptSpan(span: Span, error: unknown): void {
  failSpan(span, error);
  if (error instanceof ProviderError) {
    span.setAttribute('tandem.upstream.error_kind', error.kind);
    if (error.statusCode !== undefined) span.setAttribute('http.response.status_code', error.statusCode);
  }
  span.end();
}
