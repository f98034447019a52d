/**
 * Recent time-to-first-token per model, pooled across replicas for the latency policy's p90.
 *
 * Cheap by design: recording stays in process; once per `syncMs` one pipeline appends this replica's new
 * observations to a capped list per model (`<prefix>latency:<model>`, the tracker's ring size) and reads
 * the lists back, which replace the local rings. A missed sync (Redis down) just leaves the local view.
 */
import type { LatencyTracker } from '../routing/latency-tracker.js';
import { execAll, type RedisConnection } from './redis-connection.js';

export interface SharedLatencyOptions {
  connection: RedisConnection;
  tracker: LatencyTracker;
  models: readonly string[];
  syncMs?: number;
  /** Lists expire when no replica writes to them for this long (a model that stopped being used). */
  ttlMs?: number;
}

export class SharedLatency {
  private readonly pending = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> | undefined;

  constructor(private readonly options: SharedLatencyOptions) {
    options.tracker.onRecord = (model, ttftMs) => {
      const list = this.pending.get(model);
      if (list) list.push(ttftMs);
      else this.pending.set(model, [ttftMs]);
    };
    this.timer = setInterval(() => void this.sync(), options.syncMs ?? 1_000);
    this.timer.unref();
  }

  /** One round trip: push what this replica saw, read what all replicas saw. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.options.tracker.onRecord = undefined;
    await this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const { connection, tracker, models } = this.options;
    const batch = [...this.pending];
    this.pending.clear();
    const size = tracker.size;
    const ttlMs = this.options.ttlMs ?? 600_000;
    const lists = await connection.attempt('latency', async (redis) => {
      const pipeline = redis.pipeline();
      for (const [model, values] of batch) {
        const key = `${connection.keyPrefix}latency:${model}`;
        pipeline
          .rpush(key, ...values.map((v) => v.toFixed(1)))
          .ltrim(key, -size, -1)
          .pexpire(key, ttlMs);
      }
      for (const model of models) pipeline.lrange(`${connection.keyPrefix}latency:${model}`, 0, -1);
      const results = await execAll(pipeline);
      return results.slice(batch.length * 3).map((value) => (Array.isArray(value) ? (value as string[]) : []));
    });
    if (!lists) return;
    models.forEach((model, i) => {
      const values = (lists[i] ?? []).map(Number).filter(Number.isFinite);
      if (values.length > 0) tracker.adopt(model, values);
    });
  }
}
