/**
 * `npm run bench:metrics`: what the Prometheus observer costs per request on the hot path, and what a
 * scrape costs, in-process. Each round times `GatewayMetrics.record()` over a mix of realistic request
 * records (two routes, three models, fallbacks, privacy findings, errors) against a baseline in the same
 * round: a no-op observer called the same way. Medians over rounds; the machine is shared, so read the
 * difference and the ratio, not the absolute figures.
 *   BENCH_RECORDS (200000 per round), BENCH_ROUNDS (7)
 */
import { CircuitBreaker } from '../src/routing/circuit-breaker.js';
import type { ModelInfo } from '../src/spec/model-info.js';
import type { RequestRecord } from '../src/spec/request-record.js';
import { GatewayMetrics } from '../src/telemetry/metrics/gateway-metrics.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const model = (name: string, locality: 'local' | 'cloud'): ModelInfo => ({
  name,
  upstreamModel: name,
  provider: 'openai-compatible',
  locality,
  contextWindow: 8192,
  defaultMaxOutputTokens: 512,
  pricing: { inputPer1M: 1, outputPer1M: 2, cachedInputPer1M: 1 },
  capabilities: { stream: true, tools: false, json: false, vision: false, embeddings: false },
  upstreamKey: `http://${name}.local`,
  timeoutMs: 1000,
});
const models = new Map([model('small', 'local'), model('large', 'cloud'), model('backup', 'cloud')].map((m) => [m.name, m]));
const metrics = new GatewayMetrics({
  models,
  routes: new Map([
    ['tandem/auto', { router: { type: 'scored' } }],
    ['tandem/rules', { router: { type: 'rules' } }],
  ]),
  breaker: new CircuitBreaker({ failureThreshold: 5, cooldownMs: 1000 }),
  activeRequests: 0,
  config: { currency: 'USD' },
});
const observer = metrics.observer();
const noop = { name: 'noop', onRequestFinished: (_record: RequestRecord): void => undefined };

function record(i: number): RequestRecord {
  const large = i % 3 === 0;
  const r: RequestRecord = {
    id: `r${i}`,
    time: Date.now(),
    keyId: null,
    route: i % 10 === 0 ? null : i % 2 === 0 ? 'tandem/auto' : 'tandem/rules',
    requestedModel: 'tandem/auto',
    model: large ? 'large' : 'small',
    candidates: [
      { model: 'small', allowed: true, reasons: ['privacy: ok'], refusals: [] },
      { model: 'large', allowed: i % 7 !== 0, reasons: ['privacy: x'], refusals: i % 7 === 0 ? ['privacy: sensitive'] : [] },
    ],
    reason: large ? 'score 0.71 >= 0.50 -> large' : 'score 0.21 < 0.50 -> small',
    score: 0.5,
    threshold: 0.5,
    attempts:
      i % 20 === 0
        ? [
            { model: 'backup', error: 'http 503', durationMs: 3 },
            { model: 'large', error: null, durationMs: 40 },
          ]
        : [{ model: large ? 'large' : 'small', error: null, durationMs: 40 }],
    stream: i % 2 === 0,
    inputTokens: 100 + (i % 50),
    outputTokens: 20 + (i % 30),
    tokensEstimated: false,
    cost: large ? 0.001 : 0,
    baselineCost: 0.001,
    ttftMs: 30 + (i % 40),
    totalMs: 100 + (i % 400),
    overheadMs: 0.3,
    status: i % 50 === 0 ? 502 : 200,
    error: null,
    requestBody: null,
    responseBody: null,
  };
  if (i % 25 === 0) r.privacy = { action: 'local-only', findings: { EMAIL_ADDRESS: 1 } };
  return r;
}

const inputs = Array.from({ length: 1000 }, (_, i) => record(i));
function timeNsPerRecord(target: { onRequestFinished(r: RequestRecord): void }): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) target.onRequestFinished(inputs[i % inputs.length] as RequestRecord);
  return Number(process.hrtime.bigint() - started) / RECORDS;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
timeNsPerRecord(observer); // warm-up: label children created, code optimised
timeNsPerRecord(noop);
const withMetrics: number[] = [];
const baseline: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  baseline.push(timeNsPerRecord(noop));
  withMetrics.push(timeNsPerRecord(observer));
}
const scrapes: number[] = [];
let bytes = 0;
for (let i = 0; i < 20; i++) {
  const started = process.hrtime.bigint();
  bytes = (await metrics.render()).length;
  scrapes.push(Number(process.hrtime.bigint() - started) / 1e6);
}
console.log(`node ${process.version}, ${RECORDS} records x ${ROUNDS} rounds`);
console.log(`| what | median |`);
console.log(`|---|---|`);
console.log(`| no-op observer (baseline) | ${median(baseline).toFixed(0)} ns/request |`);
console.log(`| Prometheus observer | ${median(withMetrics).toFixed(0)} ns/request |`);
console.log(`| added by metrics | ${(median(withMetrics) - median(baseline)).toFixed(0)} ns/request |`);
console.log(`| one scrape (${bytes} bytes) | ${median(scrapes).toFixed(2)} ms |`);
