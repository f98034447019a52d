/**
 * `npm run bench:tracing`: CPU time per chat request with OpenTelemetry tracing off and on (every request
 * sampled, exported over OTLP/HTTP JSON to a loopback receiver that discards it). Client, fake upstream
 * and gateway share this process, so their cost is the same in both modes and the difference is tracing's.
 * Modes alternate over rounds; medians. BENCH_REQUESTS (400 per round), BENCH_ROUNDS (5).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startGateway, twoModelConfig } from '../test/helpers/gateway-harness.js';
import { startEchoUpstream } from '../test/helpers/openai-upstream.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
const upstream = await startEchoUpstream();
upstream.recordRequests = false;
const body = JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] });

async function cpuPerRequest(tracing: boolean): Promise<number> {
  const config = twoModelConfig(upstream.url, upstream.url);
  if (tracing) config.telemetry = { tracing: { otlp_endpoint: otlp, service_name: 'bench', sample_ratio: 1 } };
  const h = await startGateway(config);
  const send = async (): Promise<void> => {
    const res = await request(`${h.url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.body.text();
  };
  for (let i = 0; i < 50; i++) await send(); // warm-up
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await send();
  const used = process.cpuUsage(before);
  await h.close(); // flushes the spans: their export is counted above only as far as it ran during the round
  return (used.user + used.system) / REQUESTS;
}

const off: number[] = [];
const on: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  off.push(await cpuPerRequest(false));
  on.push(await cpuPerRequest(true));
}
await upstream.close();
receiver.close();
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
console.log(`node ${process.version}, ${REQUESTS} requests x ${ROUNDS} rounds per mode (client, upstream and gateway in one process)`);
console.log('| tracing | CPU µs/request (median) |');
console.log('|---|---|');
console.log(`| off | ${median(off).toFixed(0)} |`);
console.log(`| on, all sampled, OTLP export | ${median(on).toFixed(0)} |`);
console.log(`| added by tracing | ${(median(on) - median(off)).toFixed(0)} (${((median(on) / median(off) - 1) * 100).toFixed(1)}%) |`);
