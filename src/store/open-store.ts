/** Opens the store that tandem.yaml's `store` section names. */
import { resolve } from 'node:path';
import type { StoreConfig } from '../config/schema.js';
import { createMemoryStore } from './memory/memory-store.js';
import type { Store } from './request-log.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

/** The database file a config points at (relative paths are relative to the config file), or null for memory. */
export function resolveStorePath(config: StoreConfig, baseDir: string): string | null {
  if (config.type !== 'sqlite') return null;
  return config.path === ':memory:' ? config.path : resolve(baseDir, config.path);
}

export async function openStore(config: StoreConfig, baseDir: string): Promise<Store> {
  switch (config.type) {
    case 'sqlite':
      return openSqliteStore({ path: resolveStorePath(config, baseDir) ?? config.path, logBodies: config.log_bodies });
    case 'memory':
      return createMemoryStore({ logBodies: config.log_bodies, maxRequests: config.max_requests });
    case 'postgres':
      return openPostgresStore({
        url: config.url,
        poolSize: config.pool_size,
        logBodies: config.log_bodies,
        ...(config.schema === undefined ? {} : { schema: config.schema }),
      });
  }
}
