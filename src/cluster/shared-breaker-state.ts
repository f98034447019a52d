/**
 * Circuit-breaker knowledge shared across replicas: when one replica opens an upstream's circuit, the
 * others stop calling it within milliseconds instead of each paying `failure_threshold` failures first.
 *
 * An opening is a key with the cooldown as its TTL (`<prefix>breaker:<upstream>`) plus a PUBLISH; each
 * replica applies messages to its own in-process CircuitBreaker, so deciding whether to call an upstream
 * stays a local map lookup. The keys cover what pub/sub cannot: a replica that starts, or reconnects after
 * an outage, reads the open circuits with their remaining TTL. Each replica still probes on its own once
 * the cooldown ends (at most one probe per replica), and a successful probe anywhere closes it everywhere.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { CircuitBreaker, RemoteCircuitUpdate, SharedCircuitBackend } from '../routing/circuit-breaker.js';
import { execAll, type FailMode, type RedisConnection } from './redis-connection.js';

export interface SharedBreakerStateOptions {
  connection: RedisConnection;
  failMode: FailMode;
}

interface BreakerMessage {
  from: string;
  key: string;
  update: RemoteCircuitUpdate;
}

export class SharedBreakerState implements SharedCircuitBackend {
  private readonly replicaId = randomUUID();
  private readonly channel: string;
  private readonly keyPrefix: string;
  private breaker: CircuitBreaker | undefined;
  private subscriber: Redis | undefined;

  constructor(private readonly options: SharedBreakerStateOptions) {
    this.keyPrefix = `${options.connection.keyPrefix}breaker:`;
    this.channel = `${options.connection.keyPrefix}breaker-events`;
  }

  get refuseAll(): boolean {
    return this.options.failMode === 'closed' && !this.options.connection.health.up;
  }

  /** Starts listening for other replicas' openings and loads the circuits open right now. */
  async attach(breaker: CircuitBreaker): Promise<void> {
    this.breaker = breaker;
    const subscriber = this.options.connection.subscriber();
    this.subscriber = subscriber;
    // A subscriber connection error is the same outage the main connection reports; don't log it twice.
    subscriber.on('error', () => {});
    subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    const subscribed = subscriber.subscribe(this.channel).catch(() => undefined);
    // With Redis down at start the SUBSCRIBE waits in the queue for the first connection: don't wait for it.
    if (this.options.connection.health.up) await Promise.race([subscribed, sleep(2_000, undefined, { ref: false })]);
    this.options.connection.onUp(() => void this.reload());
    await this.reload();
  }

  opened(key: string, cooldownMs: number): void {
    const message: BreakerMessage = { from: this.replicaId, key, update: { state: 'open', remainingMs: cooldownMs } };
    void this.options.connection.attempt('breaker', (redis) =>
      execAll(
        redis
          .multi()
          .set(this.keyPrefix + key, '1', 'PX', cooldownMs)
          .publish(this.channel, JSON.stringify(message)),
      ),
    );
  }

  closed(key: string): void {
    const message: BreakerMessage = { from: this.replicaId, key, update: { state: 'closed' } };
    void this.options.connection.attempt('breaker', (redis) =>
      execAll(
        redis
          .multi()
          .del(this.keyPrefix + key)
          .publish(this.channel, JSON.stringify(message)),
      ),
    );
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private receive(text: string): void {
    let message: BreakerMessage;
    try {
      message = JSON.parse(text) as BreakerMessage;
    } catch {
      return; // not ours: another program publishing on the channel
    }
    if (message.from === this.replicaId || typeof message.key !== 'string') return;
    this.breaker?.applyRemote(message.key, message.update);
  }

  /** Reads every open circuit and its remaining cooldown. */
  private async reload(): Promise<void> {
    const breaker = this.breaker;
    if (!breaker) return;
    const open = await this.options.connection.attempt('breaker', async (redis) => {
      const found: Array<[string, number]> = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(this.keyPrefix)}*`, 'COUNT', 200);
        cursor = next;
        if (keys.length === 0) continue;
        const ttls = await Promise.all(keys.map((k) => redis.pttl(k)));
        keys.forEach((k, i) => {
          const ttl = ttls[i] ?? -2;
          if (ttl > 0) found.push([k.slice(this.keyPrefix.length), ttl]);
        });
      } while (cursor !== '0');
      return found;
    });
    for (const [key, remainingMs] of open ?? []) breaker.applyRemote(key, { state: 'open', remainingMs });
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
