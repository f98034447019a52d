/**
 * Load generation the gateway benchmarks share: sequential latency samples (concurrency 1) and a fixed
 * number of keep-alive connections kept busy for a time or a request count, over undici Pools.
 */
import { Pool } from 'undici';

/** Sends one request on the pool and returns its latency in milliseconds (or throws on a bad status). */
export type SendRequest = (pool: Pool) => Promise<number>;

/** `count` latencies at concurrency 1, after 200 unmeasured warm-up requests. */
export async function latencies(origin: string, count: number, send: SendRequest): Promise<number[]> {
  const pool = new Pool(origin, { connections: 1 });
  for (let i = 0; i < 200; i++) await send(pool); // warm-up
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
): Promise<{ rps: number; latencies: number[] }> {
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
  return { rps: out.length / seconds, latencies: out };
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
