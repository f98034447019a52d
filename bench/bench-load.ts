/**
 * Load generation the gateway benchmarks share: sequential latency samples (concurrency 1), a fixed
 * number of keep-alive connections kept busy for a time or a request count, and throughput of several
 * targets measured in interleaved rounds, over undici Pools.
 */
import { Pool } from 'undici';
import { cpuMs, type Target } from './bench-processes.js';

/** Sends one request on the pool and returns its latency in milliseconds (or throws on a bad status). */
export type SendRequest = (pool: Pool) => Promise<number>;

/** A sender of one chat completion with `body`, read whole; any status but 200 throws. */
export function chatSender(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): SendRequest {
  return async (pool) => {
    const started = performance.now();
    const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers, body });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    return performance.now() - started;
  };
}

/** One sender for every target, or one per target name (gateways that take different paths or headers). */
export type Senders = SendRequest | ReadonlyMap<string, SendRequest>;

function senderFor(send: Senders, target: Target): SendRequest {
  if (!(send instanceof Map)) return send as SendRequest;
  const own = send.get(target.name);
  if (own === undefined) throw new Error(`no sender for ${target.name}`);
  return own;
}

const WARM_UP = 200;

/** `count` latencies at concurrency 1, after 200 unmeasured warm-up requests (then `afterWarmUp` runs). */
export async function latencies(origin: string, count: number, send: SendRequest, afterWarmUp?: () => void): Promise<number[]> {
  const pool = new Pool(origin, { connections: 1 });
  for (let i = 0; i < WARM_UP; i++) await send(pool);
  afterWarmUp?.();
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await send(pool));
  await pool.close();
  return out;
}

/** Keeps `concurrency` requests in flight until `seconds` passed or `total` were sent; requests/s and each latency. */
export async function concurrent(
  origin: string,
  send: SendRequest,
  options: { concurrency: number; seconds?: number; total?: number },
): Promise<{ rps: number; latencies: number[]; seconds: number }> {
  const pool = new Pool(origin, { connections: options.concurrency });
  const out: number[] = [];
  const deadline = options.seconds === undefined ? Infinity : performance.now() + options.seconds * 1000;
  let remaining = options.total ?? Infinity;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline && remaining-- > 0) out.push(await send(pool));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { rps: out.length / seconds, latencies: out, seconds };
}

export interface Sequential {
  latencies: number[];
  /** CPU microseconds the target's process used per measured request at concurrency 1 (warm-up excluded). */
  cpuPerRequest: number;
}

/**
 * Each target's latencies at concurrency 1, `count` in all, measured in `rounds` interleaved slices so
 * noise hits every target alike; each slice starts with 200 warm-up requests, which the CPU figure leaves
 * out. `afterSlice` sees each slice as it ends.
 *
 * The CPU per request matters at c=1: on these machines every process spends several times the CPU per
 * request it spends at c=32 (each request wakes it from idle, caches and TLB cold), so the latency Tandem
 * adds at c=1 follows the CPU it adds at c=1, not at c=32.
 */
export async function interleavedLatencies(
  targets: readonly Target[],
  send: Senders,
  options: { count: number; rounds: number; afterSlice?: (target: Target, latencies: number[]) => void },
): Promise<Record<string, Sequential>> {
  const totals = new Map(targets.map((t) => [t.name, { requests: 0, cpuMs: 0, latencies: [] as number[] }]));
  for (let round = 0; round < options.rounds; round++) {
    for (const target of targets) {
      const total = totals.get(target.name)!;
      let before = 0;
      const slice = await latencies(target.origin, Math.ceil(options.count / options.rounds), senderFor(send, target), () => {
        before = cpuMs(target.process.pid ?? 0);
      });
      total.cpuMs += cpuMs(target.process.pid ?? 0) - before;
      total.requests += slice.length;
      for (const latency of slice) total.latencies.push(latency);
      options.afterSlice?.(target, slice);
    }
  }
  return Object.fromEntries([...totals].map(([name, t]) => [name, { latencies: t.latencies, cpuPerRequest: (t.cpuMs * 1000) / t.requests }]));
}

export interface Throughput {
  rps: number;
  latencies: number[];
  /** CPU microseconds the target's process used per request (user + system, all its threads, from /proc). */
  cpuPerRequest: number;
}

/**
 * Each target's throughput at `concurrency`, measured in `rounds` interleaved slices of `seconds / rounds`
 * (target 1, 2, 3, then again), so a burst of load from other jobs on the machine hits every target alike
 * instead of skewing one target's figure and every ratio built on it.
 */
export async function interleavedThroughput(
  targets: readonly Target[],
  send: Senders,
  options: { concurrency: number; seconds: number; rounds: number },
): Promise<Record<string, Throughput>> {
  const totals = new Map(targets.map((t) => [t.name, { requests: 0, seconds: 0, cpuMs: 0, latencies: [] as number[] }]));
  for (let round = 0; round < options.rounds; round++) {
    for (const target of targets) {
      const total = totals.get(target.name)!;
      const before = cpuMs(target.process.pid ?? 0);
      const slice = await concurrent(target.origin, senderFor(send, target), { concurrency: options.concurrency, seconds: options.seconds / options.rounds });
      total.cpuMs += cpuMs(target.process.pid ?? 0) - before;
      total.requests += slice.latencies.length;
      total.seconds += slice.seconds;
      for (const latency of slice.latencies) total.latencies.push(latency);
    }
  }
  return Object.fromEntries(
    [...totals].map(([name, t]) => [name, { rps: t.requests / t.seconds, latencies: t.latencies, cpuPerRequest: (t.cpuMs * 1000) / t.requests }]),
  );
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
