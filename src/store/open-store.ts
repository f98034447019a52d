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

export async function openStore(config: StoreConfig, baseDir: string): Promise<Store> {
  switch (config.type) {
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
      return openSqliteStore({ path: resolveStorePath(config, baseDir) ?? config.path, logBodies: config.log_bodies });
    }
    case 'memory': {
      const { createMemoryStore } = await import('./memory/memory-store.js');
      return createMemoryStore({ logBodies: config.log_bodies, maxRequests: config.max_requests });
    }
    case 'postgres': {
      const { openPostgresStore } = await import('./postgres/postgres-store.js');
      return openPostgresStore({
        url: config.url,
        poolSize: config.pool_size,
        logBodies: config.log_bodies,
        ...(config.schema === undefined ? {} : { schema: config.schema }),
      });
    }
  }
}
