/**
 * The shared store: PostgreSQL through a pg connection pool, under the same Kysely queries and migrations
 * as SQLite. Several replicas write to one database; migrations take Kysely's advisory lock, so replicas
 * starting together migrate once.
 *
 * Durability: every connection runs with synchronous_commit=on whatever the server default, so a group
 * commit resolves only after its WAL record is flushed (and, with synchronous replication, acknowledged
 * by the standby). That is RequestLog.append's promise: a client that got its last byte has a row that
 * survives this process, or the database server, being killed. docs/decisions/postgres-store.md.
 */
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { sqlAuditLog } from '../audit-log-sql.js';
import type { TandemDatabase } from '../database.js';
import { sqlApiKeyStore } from '../keys-sql.js';
import { migrateToLatest } from '../migrations/migrate-to-latest.js';
import type { Store } from '../request-log.js';
import { deleteRequestsBefore, selectRecentRequests, selectRequest } from '../sql-request-queries.js';
import { postgresDashboard } from './postgres-dashboard.js';
import { createPostgresRequestWriter } from './postgres-request-writer.js';
import { selectStatsFromRollup } from './postgres-stats.js';
import { SchemaScopedPostgresDialect } from './schema-scoped-dialect.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Keep the tables in this schema (created when missing); default: the connection's current schema. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  logBodies: boolean;
  /** Group-commit tuning (bench/pg-append.ts): rows per INSERT (default 500), INSERTs in flight (default 2). */
  groupCommit?: { maxBatch?: number; maxInFlight?: number };
  /** Where pool errors on idle connections go (default console.error); they must not crash the process. */
  onPoolError?: (error: Error) => void;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) {
    throw new Error(`store.schema must be a lower-case SQL identifier, got ${JSON.stringify(options.schema)}`);
  }
  const settings = ['-c synchronous_commit=on'];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: settings.join(' '),
    application_name: 'tandem',
  });
  // An idle connection dropped by the server (restart, failover) emits 'error' on the pool; unhandled, it
  // would take the whole gateway down. The next query simply opens a new connection.
  pool.on('error', options.onPoolError ?? ((error) => console.error(`tandem: postgres connection lost: ${error.message}`)));
  const db = new Kysely<TandemDatabase>({ dialect: new SchemaScopedPostgresDialect({ pool }) });

  let writer: Awaited<ReturnType<typeof createPostgresRequestWriter>>;
  try {
    if (options.schema !== undefined) await createSchema(db, options.schema);
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    if (schema === undefined || schema === null) throw new Error('the connection has no current schema: set store.schema');
    await migrateToLatest(db as Kysely<unknown>, { schema });
    writer = await createPostgresRequestWriter({ pool, schema, logBodies: options.logBodies, ...options.groupCommit });
  } catch (error) {
    await db.destroy();
    throw error;
  }

  let closed = false;
  return {
    requestLog: {
      append(record) {
        if (closed) return Promise.reject(new Error('the store is closed'));
        return writer.submit(record);
      },
      recent: (query) => selectRecentRequests(db, query),
      get: (id) => selectRequest(db, id),
      deleteBefore: (time) => deleteRequestsBefore(db, time),
    },
    stats: {
      query: (query) => selectStatsFromRollup(db, query),
    },
    keys: sqlApiKeyStore(db),
    audit: sqlAuditLog(db),
    dashboard: postgresDashboard(db),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Appends already accepted still commit: close is how shutdown flushes the log.
      await writer.drain();
      await db.destroy();
    },
  };
}

async function createSchema(db: Kysely<TandemDatabase>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Replicas starting together race here: IF NOT EXISTS checks before it inserts, so the loser gets a
    // unique violation (23505) instead of a no-op. The schema exists either way.
    if (!(error instanceof Error && 'code' in error && (error.code === '23505' || error.code === '42P06'))) throw error;
  }
}
