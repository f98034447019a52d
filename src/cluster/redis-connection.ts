/**
 * The Redis connection all cross-replica state goes through, and what happens while Redis is away.
 *
 * Commands never queue while disconnected (`enableOfflineQueue: false`) and time out after
 * `command_timeout_ms`, so a dead Redis costs a request a fast failure, never a hang; the caller then
 * applies its feature's fail-open/closed choice. An outage is logged once when it starts and once when it
 * ends (not per request), and counted per feature in `health` for the metrics endpoint. ioredis
 * reconnects by itself, backing off to one attempt a second.
 */
import { Redis, type ChainableCommander, type RedisOptions } from 'ioredis';

/** The features that keep state in Redis; each has its own fail mode and failure counter. */
export type ClusterFeature = 'rate_limits' | 'budgets' | 'breaker' | 'latency';

export type FailMode = 'open' | 'closed';

/** Counters for the metrics endpoint: read them, never reset them. */
export interface RedisHealth {
  /** False from the first failed call or dropped connection until the next successful reconnect or call. */
  up: boolean;
  /** Outages since start (transitions from up to down). */
  outages: number;
  /** Calls that failed (error or timeout), per feature: each one took its feature's fail mode. */
  failedCalls: Record<ClusterFeature, number>;
}

export interface RedisConnectionOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  /** One line per outage start and end; defaults to stderr. */
  log?: (line: string) => void;
  /** Appended to the outage line: what each feature does meanwhile. */
  describeFailModes?: string;
  /** Called on every failed call (the metrics helper may count or label them further). */
  onRedisError?: (event: { feature: ClusterFeature; error: Error }) => void;
}

const CONNECT_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 1_000;

export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  readonly health: RedisHealth = {
    up: false,
    outages: 0,
    failedCalls: { rate_limits: 0, budgets: 0, breaker: 0, latency: 0 },
  };
  private readonly log: (line: string) => void;
  /** Set while an announced outage lasts. */
  private downSince: number | undefined;
  private failuresThisOutage = 0;
  private readonly upListeners: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: RedisConnectionOptions) {
    this.keyPrefix = options.keyPrefix;
    this.log = options.log ?? ((line) => console.error(line));
    this.client = new Redis(options.url, connectionOptions(options));
    this.client.on('ready', () => this.markUp());
    this.client.on('error', (error: Error) => this.markDown(error));
    this.client.on('close', () => {
      if (!this.closed) this.markDown(new Error('connection closed'));
    });
  }

  /** A second connection for SUBSCRIBE (a subscribed connection can run nothing else); resubscribes after reconnects. */
  subscriber(): Redis {
    // Its SUBSCRIBE may queue until the first connect (maxRetriesPerRequest: null keeps it queued through
    // failed attempts); later reconnects resubscribe by themselves.
    return new Redis(this.options.url, { ...connectionOptions(this.options), enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true });
  }

  /** Called whenever the connection (re)becomes usable: reload state that pub/sub may have missed. */
  onUp(listener: () => void): void {
    this.upListeners.push(listener);
  }

  /**
   * Runs one Redis call for a feature. Failure (error, timeout, disconnected) is counted and logged once
   * per outage, and reported as `undefined` so the caller applies its fail mode.
   */
  async attempt<T>(feature: ClusterFeature, call: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    try {
      const value = await call(this.client);
      if (!this.health.up && this.client.status === 'ready') this.markUp();
      return value;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      if (isScriptError(err)) throw err; // a bug in our Lua, not an outage: let it surface
      this.health.failedCalls[feature]++;
      this.failuresThisOutage++;
      this.markDown(err);
      this.options.onRedisError?.({ feature, error: err });
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.disconnect();
  }

  private markDown(error: Error): void {
    if (this.closed) return;
    this.health.up = false;
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.failuresThisOutage = 0;
    this.health.outages++;
    const modes = this.options.describeFailModes ? `; meanwhile ${this.options.describeFailModes}` : '';
    this.log(`tandem: Redis unavailable at ${redactUrl(this.options.url)} (${error.message})${modes}; reconnecting`);
  }

  private markUp(): void {
    this.health.up = true;
    if (this.downSince !== undefined) {
      this.log(
        `tandem: Redis reachable again after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s (${this.failuresThisOutage} calls took their fail mode)`,
      );
      this.downSince = undefined;
    }
    for (const listener of this.upListeners) listener();
  }

  /**
   * Resolves true once connected; false at the first connection error or after `timeoutMs` (Redis may be
   * down at start: the gateway serves anyway, with the fail modes in force, and keeps reconnecting).
   */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.client.off('ready', ready);
        this.client.off('error', failed);
        resolve(value);
      };
      const ready = (): void => done(true);
      const failed = (): void => done(false);
      const timer = setTimeout(() => {
        if (this.client.status !== 'ready') this.markDown(new Error(`no connection within ${timeoutMs} ms`));
        done(this.client.status === 'ready');
      }, timeoutMs);
      this.client.once('ready', ready);
      this.client.once('error', failed);
    });
  }
}

/**
 * Runs a pipeline or MULTI and returns each command's result, throwing the first command's error.
 * ioredis resolves `exec()` even when every command failed (each timed out against a hung Redis, for
 * one): read as success, that made attempt() announce "reachable again" once a second while Redis was
 * frozen. Thrown, it counts as the failure it is.
 */
export async function execAll(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec();
  if (results === null) throw new Error('the transaction was aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function connectionOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Detect a silently dead peer (traffic blackholed) instead of waiting for the OS default of hours.
    keepAlive: 1_000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), MAX_RECONNECT_DELAY_MS),
    // A command that times out leaves the connection usable; reconnecting on READONLY etc. is not wanted.
    reconnectOnError: () => false,
  };
}

/** Errors Redis itself returned for a script (syntax, wrong arguments): bugs, not outages. */
function isScriptError(error: Error): boolean {
  return error.name === 'ReplyError' && /^(ERR (Error|user_script|bad)|WRONGTYPE)/.test(error.message);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
