/**
 * Turns tracing on when `telemetry.tracing` is configured: loads the OpenTelemetry SDK (never imported
 * otherwise), exports spans over OTLP/HTTP (JSON) in batches, continues W3C `traceparent`, and registers
 * an AsyncLocalStorage context manager so spans started deep in the request path find their parent.
 *
 * The tracer provider is not registered globally: Tandem hands its tracer to tandem-tracer.ts, so a
 * library in the same process that brings its own provider is not disturbed, and shutdown can undo it.
 */
import { context, propagation } from '@opentelemetry/api';
import type { TelemetryConfig } from '../../config/schema.js';
import { installRoutingTrace } from '../../routing/routing-trace.js';
import { routingSpans } from './routing-spans.js';
import { setActiveTracer } from './tandem-tracer.js';

export type TracingConfig = NonNullable<TelemetryConfig['tracing']>;

export interface TracingHandle {
  /** Exports what is still buffered, then turns tracing off. */
  shutdown(): Promise<void>;
}

export async function installTracing(config: TracingConfig): Promise<TracingHandle> {
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }, { W3CTraceContextPropagator }, { AsyncLocalStorageContextManager }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.service_name }),
    // A client's sampling decision (the traceparent flag) is followed; new traces are sampled at the ratio.
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(config.sample_ratio) }),
    spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlp_endpoint }), { scheduledDelayMillis: 1_000 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  // Both are false when another part of the process registered them first; theirs then serve us too.
  const ownsContext = context.setGlobalContextManager(contextManager);
  const ownsPropagator = propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  setActiveTracer(provider.getTracer('tandem'));
  installRoutingTrace(routingSpans);
  return {
    async shutdown() {
      installRoutingTrace(undefined);
      setActiveTracer(undefined);
      await provider.shutdown();
      if (ownsContext) context.disable();
      if (ownsPropagator) propagation.disable();
    },
  };
}
