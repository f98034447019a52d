/**
 * The span around one chat request. A client's W3C `traceparent` (and `tracestate`) make it a child of the
 * client's trace; policy evaluation, routing, each upstream attempt and the store write become its
 * children through the active context (install-tracing.ts registers an AsyncLocalStorage context manager).
 * Its GenAI attributes are filled in from the request record (request-span-attributes.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { activeTracer, failSpan } from './tandem-tracer.js';

export async function withRequestSpan(headers: IncomingHttpHeaders, run: () => Promise<void>): Promise<void> {
  const tracer = activeTracer();
  if (tracer === undefined) return run();
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  // Renamed to `chat <model>` (the GenAI convention) once the requested model is known.
  const span = tracer.startSpan('chat', { kind: SpanKind.SERVER, attributes: { 'gen_ai.operation.name': 'chat' } }, parent);
  try {
    await context.with(trace.setSpan(parent, span), run);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}
