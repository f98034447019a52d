/**
 * Opens the store that tandem.yaml's `store` section names. Each backend is imported when chosen, so a
 * process never loads the drivers of the others (pg alone is ~2.5 MB of resident memory).
 */
import { resolve } from 'node:path';
import type { StoreConfig } from '../config/schema.js';
import type { Store } from './request-log.js';

/** The database file a config points at (relative paths are relative to the config file), or null for memory. */
export function resolveStorePath(config: StoreConfig, baseDir: string): string | null {
  if (config.type !== 'sqlite') return null;
  return config.path === ':memory:' ? config.path : resolve(baseDir, config.path);
}

export interface OpenStoreOptions {
  /**
   * A database server that cannot be reached yet is retried (store.startup_attempts, with backoff) rather
   * than failing at once: what `tandem serve` wants, not a one-off command.
   */
  waitForDatabase?: boolean;
}

export async function openStore(config: StoreConfig, baseDir: string, options: OpenStoreOptions = {}): Promise<Store> {
  switch (config.type) {
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
      return openSqliteStore({
        path: resolveStorePath(config, baseDir) ?? config.path,
        logBodies: config.log_bodies !== false,
        ...(config.migrate === undefined ? {} : { migrate: config.migrate }),
      });
    }
    case 'memory': {
      const { createMemoryStore } = await import('./memory/memory-store.js');
      return createMemoryStore({ logBodies: config.log_bodies !== false, maxRequests: config.max_requests });
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres/postgres-store.js');
      return openPostgresStore({
        url: config.url,
        poolSize: config.pool_size,
        logBodies: config.log_bodies !== false,
        ...(config.schema === undefined ? {} : { schema: config.schema }),
        ...(config.migrate === undefined ? {} : { migrate: config.migrate }),
        applicationName: config.application_name,
        connectTimeoutMs: config.connect_timeout_ms,
        statementTimeoutMs: config.statement_timeout_ms,
        queryTimeoutMs: config.query_timeout_ms,
        keepAliveMs: config.keepalive_ms,
        commitTimeoutMs: config.commit_timeout_ms,
        healthCheckIntervalMs: config.health_check_interval_ms,
        ...(config.spool ? { spoolPath: resolve(baseDir, config.spool_path) } : {}),
        startupAttempts: options.waitForDatabase === true ? config.startup_attempts : 1,
        startupMaxBackoffMs: config.startup_max_backoff_ms,
      });
    }
  }
}
