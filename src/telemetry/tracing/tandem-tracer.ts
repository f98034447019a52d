/**
 * The one door the request path uses to trace. Only `@opentelemetry/api` is imported here; the SDK is
 * loaded by install-tracing.ts only when `telemetry.tracing` is configured. Until then `activeTracer()` is
 * undefined and callers skip span work entirely — not even the API's no-op spans are allocated — so
 * tracing off costs one property read per span site.
 */
import { context, SpanStatusCode, trace, type Attributes, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';

let current: Tracer | undefined;

/** The tracer while an exporter is installed, else undefined. */
export function activeTracer(): Tracer | undefined {
  return current;
}

/** Called by install-tracing.ts (and on shutdown with undefined). */
export function setActiveTracer(tracer: Tracer | undefined): void {
  current = tracer;
}

/** A child of the active span (the request's), or undefined when tracing is off. */
export function startChildSpan(name: string, options?: { kind?: SpanKind; attributes?: Attributes }): Span | undefined {
  // No default `= {}` for options: it would allocate on every call, tracing off included.
  return current?.startSpan(name, options, context.active());
}

/** Marks a span failed with the error's message; `error.type` per the OpenTelemetry semantic conventions. */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
}

/** The request span, when the caller runs inside one. */
export function activeSpan(): Span | undefined {
  return current === undefined ? undefined : trace.getSpan(context.active());
}
