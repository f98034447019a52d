/**
 * Serving the exposition: `GET /metrics` on the API port (an admin endpoint, see server.ts), and
 * optionally a listener of its own (`telemetry.metrics.port`) for scrapers that hold no admin key.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../../gateway/gateway.js';
import { GatewayError } from '../../spec/errors.js';
import { GatewayMetrics } from './gateway-metrics.js';

const installed = new WeakMap<Gateway, GatewayMetrics>();

/** Creates the gateway's metrics and subscribes them to its finished requests (once per gateway). */
export function installMetrics(gateway: Gateway): GatewayMetrics {
  let metrics = installed.get(gateway);
  if (metrics === undefined) {
    metrics = new GatewayMetrics(gateway);
    gateway.observers.push(metrics.observer());
    installed.set(gateway, metrics);
  }
  return metrics;
}

/** The gateway's metrics, when installed (telemetry.metrics.enabled); for the HTTP edge's own counters. */
export function installedMetrics(gateway: Gateway): GatewayMetrics | undefined {
  return installed.get(gateway);
}

/** The `GET /metrics` handler of the API port. */
export async function serveMetrics(gateway: Gateway, res: ServerResponse): Promise<void> {
  const metrics = installed.get(gateway);
  if (metrics === undefined) {
    throw new GatewayError({ status: 404, code: 'metrics_disabled', message: 'Metrics are off: set telemetry.metrics.enabled: true in tandem.yaml.' });
  }
  await writeExposition(metrics, res);
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** A plain listener that answers only `GET <path>` with the exposition. */
export async function startMetricsListener(options: { metrics: GatewayMetrics; host: string; port: number; path: string }): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== options.path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`metrics are at GET ${options.path}\n`);
      return;
    }
    writeExposition(options.metrics, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${options.path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function writeExposition(metrics: GatewayMetrics, res: ServerResponse): Promise<void> {
  const body = await metrics.render();
  res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
