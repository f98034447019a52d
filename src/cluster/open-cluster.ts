/**
 * Connects a replica to the shared state of `cluster.redis`: counters for rate limits and budgets,
 * circuit-breaker openings, and recent latency. Loaded lazily by the gateway only when `cluster` is
 * configured, so a single node never loads the Redis client.
 */
import type { ClusterConfig } from '../config/schema.js';
import type { SpendHistory } from '../governance/limit-store.js';
import type { CircuitBreaker } from '../routing/circuit-breaker.js';
import type { LatencyTracker } from '../routing/latency-tracker.js';
import { RedisConnection, type ClusterFeature, type RedisHealth } from './redis-connection.js';
import { RedisLimitStore } from './redis-limit-store.js';
import { SharedBreakerState } from './shared-breaker-state.js';
import { SharedLatency } from './shared-latency.js';

export interface Cluster {
  connection: RedisConnection;
  /** Outage and failed-call counters, for /metrics. */
  health: RedisHealth;
  limits: RedisLimitStore;
  close(): Promise<void>;
}

export interface OpenClusterOptions {
  config: ClusterConfig;
  breaker: CircuitBreaker;
  latency: LatencyTracker;
  /** Model names whose latency is shared. */
  models: readonly string[];
  log?: (line: string) => void;
  onRedisError?: (event: { feature: ClusterFeature; error: Error }) => void;
  /** How long start-up waits for Redis before serving anyway (with the fail modes in force). */
  connectWaitMs?: number;
  latencySyncMs?: number;
  /** Where budget counters Redis lost are rebuilt from (the request log). */
  history?: SpendHistory;
}

export async function openCluster(options: OpenClusterOptions): Promise<Cluster> {
  const { redis } = options.config;
  const modes = redis.on_unavailable;
  const connectionOptions: ConstructorParameters<typeof RedisConnection>[0] = {
    url: redis.url,
    keyPrefix: redis.key_prefix,
    commandTimeoutMs: redis.command_timeout_ms,
    describeFailModes: [
      `rate limits fail ${modes.rate_limits}`,
      `budgets fail ${modes.budgets}`,
      modes.breaker === 'open' ? "circuit breakers use this replica's own state" : 'every upstream call is refused',
    ].join(', '),
  };
  if (options.log) connectionOptions.log = options.log;
  if (options.onRedisError) connectionOptions.onRedisError = options.onRedisError;
  const connection = new RedisConnection(connectionOptions);
  await connection.waitUntilReady(options.connectWaitMs ?? 2_000);

  const breakerState = new SharedBreakerState({ connection, failMode: modes.breaker });
  await breakerState.attach(options.breaker);
  options.breaker.shared = breakerState;
  const latencyOptions: ConstructorParameters<typeof SharedLatency>[0] = { connection, tracker: options.latency, models: options.models };
  if (options.latencySyncMs !== undefined) latencyOptions.syncMs = options.latencySyncMs;
  const latency = new SharedLatency(latencyOptions);
  const limits = new RedisLimitStore({ connection, failModes: { rate_limits: modes.rate_limits, budgets: modes.budgets }, history: options.history });

  return {
    connection,
    health: connection.health,
    limits,
    async close() {
      options.breaker.shared = undefined;
      await latency.close();
      await breakerState.close();
      await connection.close();
    },
  };
}
