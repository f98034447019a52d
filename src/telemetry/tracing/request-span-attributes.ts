/**
 * Copies a finished request's facts onto its span: OpenTelemetry's GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/) plus Tandem's routing attributes.
 * Runs as a request observer, inside the request's context, so it finds the span without being handed it.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { RequestObserver } from '../../gateway/request-observer.js';
import type { ModelInfo } from '../../spec/model-info.js';
import type { RequestRecord } from '../../spec/request-record.js';
import { activeSpan } from './tandem-tracer.js';

export function requestSpanObserver(models: ReadonlyMap<string, ModelInfo>): RequestObserver {
  return {
    name: 'tracing',
    onRequestFinished(record: RequestRecord): void {
      const span = activeSpan();
      if (span === undefined || !span.isRecording()) return;
      if (record.requestedModel !== '') span.updateName(`chat ${record.requestedModel}`);
      const model = record.model === null ? undefined : models.get(record.model);
      span.setAttributes({
        'gen_ai.request.model': record.requestedModel,
        'gen_ai.usage.input_tokens': record.inputTokens,
        'gen_ai.usage.output_tokens': record.outputTokens,
        'http.response.status_code': record.status,
        'tandem.request.id': record.id,
        'tandem.stream': record.stream,
        'tandem.cost': record.cost,
        'tandem.baseline_cost': record.baselineCost,
        'tandem.overhead_ms': record.overheadMs,
        'tandem.attempts': record.attempts.length,
      });
      if (record.route !== null) span.setAttribute('tandem.route', record.route);
      if (record.reason !== '') span.setAttribute('tandem.decision.reason', record.reason);
      if (record.score !== null) span.setAttribute('tandem.router.score', record.score);
      if (record.threshold !== null) span.setAttribute('tandem.router.threshold', record.threshold);
      if (record.ttftMs !== null) span.setAttribute('tandem.ttft_ms', record.ttftMs);
      if (model !== undefined) {
        span.setAttributes({
          'gen_ai.response.model': model.upstreamModel,
          'gen_ai.provider.name': model.provider,
          'gen_ai.system': model.provider,
          'tandem.model': model.name,
          'tandem.locality': model.locality,
        });
      }
      if (record.privacy !== undefined) {
        span.setAttribute('tandem.privacy.action', record.privacy.action);
        const types = Object.keys(record.privacy.findings);
        if (types.length > 0) span.setAttribute('tandem.privacy.finding_types', types);
      }
      if (record.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: record.error ?? `status ${record.status}` });
    },
  };
}
