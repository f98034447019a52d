/**
 * A bare connection to the database a store config names, for `tandem migrate`: no writers, no spool, no
 * statement timeouts (a backfill may rightly run for minutes). Drivers load only for the backend used.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, sql } from 'kysely';
import type { StoreConfig } from '../../config/schema.js';
import { resolveStorePath } from '../open-store.js';

export interface MigrationDb {
  db: Kysely<unknown>;
  /** PostgreSQL's schema (Kysely keeps its migration table there); undefined for SQLite. */
  schema?: string;
  /** Where, for messages: the file, or the host, database and schema (never the password). */
  where: string;
  /**
   * Runs `body` while holding a lock no other `tandem migrate` on this database holds (a session advisory
   * lock on PostgreSQL, waited for without lock_timeout), so runs started together queue here rather than
   * time out on each other's locks and retry.
   */
  exclusive<T>(body: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface MigrationDbOptions {
  /**
   * PostgreSQL's lock_timeout for the migrations (ms; 0: wait for ever). A DDL statement waiting for its
   * lock blocks every later writer of that table, so waiting briefly and retrying (applyPendingMigrations'
   * lockRetries) beats queueing behind a long reader.
   */
  lockTimeoutMs?: number;
}

/** Any fixed 64-bit key: the session lock that serialises `tandem migrate` runs (Kysely's own is per transaction). */
const MIGRATE_LOCK_KEY = 0x74616e64656d; // "tandem"

export async function openMigrationDb(config: StoreConfig, baseDir: string, options: MigrationDbOptions = {}): Promise<MigrationDb | null> {
  switch (config.type) {
    case 'memory':
      return null;
    case 'sqlite': {
      const [{ default: Database }, { SqliteDialect }] = await Promise.all([import('better-sqlite3'), import('kysely')]);
      const path = resolveStorePath(config, baseDir) ?? config.path;
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const sqlite = new Database(path);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 5000');
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
      return { db, where: `SQLite ${path}`, exclusive: (body) => body(), close: () => db.destroy() };
    }
    case 'postgres': {
      const [{ default: pg }, { SchemaScopedPostgresDialect }] = await Promise.all([import('pg'), import('../postgres/schema-scoped-dialect.js')]);
      const settings = ['-c synchronous_commit=on', `-c lock_timeout=${Math.max(0, Math.floor(options.lockTimeoutMs ?? 0))}`];
      if (config.schema !== undefined) settings.push(`-c search_path=${config.schema}`);
      // One connection, never closed while idle: the session lock below must stay on it.
      const pool = new pg.Pool({ connectionString: config.url, max: 1, idleTimeoutMillis: 0, options: settings.join(' '), application_name: 'tandem-migrate' });
      pool.on('error', (error) => console.error(`tandem: postgres connection lost: ${error.message}`));
      const db = new Kysely<unknown>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
      try {
        if (config.schema !== undefined) {
          try {
            await sql`create schema if not exists ${sql.id(config.schema)}`.execute(db);
          } catch (error) {
            // Two `tandem migrate` runs racing: the loser gets a unique violation instead of a no-op.
            if (!(error instanceof Error && 'code' in error && (error.code === '23505' || error.code === '42P06'))) throw error;
          }
        }
        const { rows } = await sql<{ schema: string | null; database: string }>`select current_schema() as schema, current_database() as database`.execute(db);
        const schema = rows[0]?.schema;
        if (schema === undefined || schema === null) throw new Error('the connection has no current schema: set store.schema');
        const exclusive = async <T>(body: () => Promise<T>): Promise<T> => {
          await sql`set lock_timeout = 0`.execute(db);
          await sql`select pg_advisory_lock(${MIGRATE_LOCK_KEY})`.execute(db);
          await sql`reset lock_timeout`.execute(db);
          try {
            return await body();
          } finally {
            await sql`select pg_advisory_unlock(${MIGRATE_LOCK_KEY})`.execute(db);
          }
        };
        return { db, schema, where: `PostgreSQL ${hostOf(config.url)}/${rows[0]?.database ?? ''} schema ${schema}`, exclusive, close: () => db.destroy() };
      } catch (error) {
        await db.destroy();
        throw error;
      }
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsed URL)';
  }
}
