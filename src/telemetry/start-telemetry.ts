/**
 * Wires `telemetry` from tandem.yaml onto a gateway when its server starts: the Prometheus observer (and
 * the metrics listener when a port is set) and, only when configured, the OpenTelemetry SDK.
 */
import type { Gateway } from '../gateway/gateway.js';
import { installMetrics, startMetricsListener, type MetricsListener } from './metrics/metrics-endpoint.js';
import { requestSpanObserver } from './tracing/request-span-attributes.js';

export interface Telemetry {
  /** The separate metrics listener's URL, when `telemetry.metrics.port` is set. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

export async function startTelemetry(gateway: Gateway, options: { host: string }): Promise<Telemetry> {
  const { metrics: metricsConfig, tracing } = gateway.config.telemetry;
  let listener: MetricsListener | undefined;
  if (metricsConfig.enabled) {
    const metrics = installMetrics(gateway);
    if (metricsConfig.port !== undefined) {
      listener = await startMetricsListener({ metrics, host: options.host, port: metricsConfig.port, path: metricsConfig.path });
    }
  }
  let shutdownTracing: (() => Promise<void>) | undefined;
  if (tracing !== undefined) {
    const { installTracing } = await import('./tracing/install-tracing.js');
    const handle = await installTracing(tracing);
    gateway.observers.push(requestSpanObserver(gateway.models));
    shutdownTracing = () => handle.shutdown();
  }
  return {
    metricsUrl: listener?.url,
    async close() {
      await Promise.all([listener?.close(), shutdownTracing?.()]);
    },
  };
}
