/**
 * The shared store: PostgreSQL through a pg connection pool, under the same Kysely queries and migrations
 * as SQLite. Several replicas write to one database; migrations take Kysely's advisory lock, so replicas
 * starting together migrate once.
 *
 * Durability: every connection runs with synchronous_commit=on whatever the server default, so a group
 * commit resolves only after its WAL record is flushed (and, with synchronous replication, acknowledged
 * by the standby). That is RequestLog.append's promise: a client that got its last byte has a row that
 * survives this process, or the database server, being killed. docs/decisions/postgres-store.md.
 *
 * Outages: every wait on the database is bounded (postgres-pool.ts), a write that cannot be committed in
 * time goes to a local spool and is replayed later (postgres-outage-guard.ts), reads fail as 503, and
 * start-up waits for the database (wait-for-postgres.ts). docs/decisions/postgres-outages.md.
 */
import { Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { RequestRecord } from '../../spec/request-record.js';
import type { TandemDatabase } from '../database.js';
import { sqlApiKeyStore } from '../keys-sql.js';
import { sqlTaskExampleStore } from '../task-examples-sql.js';
import { sqlExperimentStore } from '../../lifecycle/experiment-store-sql.js';
import { sqlArtifactRegistry } from '../../lifecycle/registry-sql.js';
import { sqlCollectionStore } from '../../retrieval/collection-store-sql.js';
import { sqlFeedbackStore } from '../feedback-sql.js';
import { sqlFlowStepLog } from '../flow-steps-sql.js';
import { prepareSchema, type MigrateMode } from '../migrations/prepare-schema.js';
import type { Store } from '../request-log.js';
import { openSpoolJournal, type SpoolJournal } from '../spool-journal.js';
import { deleteRequestsBefore, selectRecentRequests, selectRequest, selectSpendSince } from '../sql-request-queries.js';
import { outageErrorsAs503 } from './outage-errors-as-503.js';
import { openPostgresAuditLog, type PostgresAuditLog } from './postgres-audit-log.js';
import { postgresDashboard } from './postgres-dashboard.js';
import { outageReason } from './postgres-errors.js';
import { PostgresOutageGuard } from './postgres-outage-guard.js';
import { createPostgresPool, describeDatabase, type PostgresPoolOptions } from './postgres-pool.js';
import { createPostgresRequestWriter, type PostgresRequestWriter } from './postgres-request-writer.js';
import { selectStatsFromRollup } from './postgres-stats.js';
import { SchemaScopedPostgresDialect } from './schema-scoped-dialect.js';
import { waitForPostgres } from './wait-for-postgres.js';
import { PostgresVectorIndex } from '../../vector/postgres-vector-index.js';
import { SqlAnswerCache } from '../../cache/sql-answer-cache.js';

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
  /** Where connection errors go (default console.error); they must not crash the process. */
  onPoolError?: (error: Error) => void;
  /** application_name of every connection (default `tandem`). */
  applicationName?: string;
  /** Defaults as in the config schema (postgres-outage-schema.ts). */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  queryTimeoutMs?: number;
  keepAliveMs?: number;
  commitTimeoutMs?: number;
  healthCheckIntervalMs?: number;
  /** The spool journal's file; unset: no spool, so a write during an outage fails with 503. */
  spoolPath?: string;
  /** Tries to reach the database before giving up (default 1); 0: keep trying. */
  startupAttempts?: number;
  startupMaxBackoffMs?: number;
  /** Operational log lines (default console.error). */
  log?: (line: string) => void;
  /** store.migrate (migrations/prepare-schema.ts); default `auto`. */
  migrate?: MigrateMode;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) {
    throw new Error(`store.schema must be a lower-case SQL identifier, got ${JSON.stringify(options.schema)}`);
  }
  const log = options.log ?? ((line: string) => console.error(line));
  const database = describeDatabase(options.url);
  const poolOptions: PostgresPoolOptions = {
    url: options.url,
    max: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'tandem',
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 15_000,
    queryTimeoutMs: options.queryTimeoutMs ?? 20_000,
    keepAliveMs: options.keepAliveMs ?? 10_000,
    onConnectionError: options.onPoolError ?? ((error) => log(`tandem: postgres connection lost: ${outageReason(error)}`)),
  };
  if (options.schema !== undefined) poolOptions.schema = options.schema;

  const spool = openSpool(options.spoolPath, log);
  const opened = await waitForPostgres({
    database,
    attempts: options.startupAttempts ?? 1,
    maxBackoffMs: options.startupMaxBackoffMs ?? 10_000,
    log,
    open: () => connect({ options, poolOptions, spool, database, log }),
  }).catch((error: unknown) => {
    spool?.close();
    throw error;
  });
  const { db, writer, audit, guard, probePool } = opened;
  guard.start();

  let closed = false;
  const append = (record: RequestRecord): Promise<void> =>
    guard.write(
      () => ({ kind: 'request', body: JSON.stringify(options.logBodies ? record : { ...record, requestBody: null, responseBody: null }) }),
      () => writer.submit(record),
    );
  return {
    requestLog: {
      append(record) {
        if (closed) return Promise.reject(new Error('the store is closed'));
        return append(record);
      },
      ...outageErrorsAs503({
        recent: (query: Parameters<typeof selectRecentRequests>[1]) => selectRecentRequests(db, query),
        get: (id: string) => selectRequest(db, id),
        deleteBefore: (time: number) => deleteRequestsBefore(db, time),
        spendSince: (query: Parameters<typeof selectSpendSince>[1]) => selectSpendSince(db, query),
      }),
    },
    stats: outageErrorsAs503({ query: (query: Parameters<typeof selectStatsFromRollup>[1]) => selectStatsFromRollup(db, query) }),
    keys: outageErrorsAs503(sqlApiKeyStore(db)),
    taskExamples: outageErrorsAs503(sqlTaskExampleStore(db)),
    // pgvector; its tables are created (and the extension enabled, if allowed) on first use.
    vectors: new PostgresVectorIndex(db as Kysely<unknown>),
    answerCache: new SqlAnswerCache(db),
    experiments: outageErrorsAs503(sqlExperimentStore(db)),
    registry: outageErrorsAs503(sqlArtifactRegistry(db)),
    collections: outageErrorsAs503(sqlCollectionStore(db)),
    feedback: outageErrorsAs503(sqlFeedbackStore(db)),
    flowSteps: outageErrorsAs503(sqlFlowStepLog(db)),
    audit,
    dashboard: outageErrorsAs503(postgresDashboard(db)),
    health: () => ({ ready: guard.ready, accepting: guard.accepting }),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Appends already accepted still commit (or spool): close is how shutdown flushes the log. Every
      // append has settled once guard.close() returns; a batch still stuck on a dead connection (until
      // query_timeout_ms) holds nothing anyone waits for, so shutdown does not wait for it either.
      await guard.close();
      const grace = (options.commitTimeoutMs ?? 2_000) + 1_000;
      await within(writer.drain(), grace);
      spool?.close();
      await within(Promise.allSettled([db.destroy(), probePool.end()]), grace);
    },
  };
}

/** Waits for `promise`, but no longer than `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.then(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function openSpool(path: string | undefined, log: (line: string) => void): SpoolJournal | null {
  if (path === undefined) return null;
  try {
    return openSpoolJournal({ path });
  } catch (error) {
    // Not fatal: the gateway works as before, only an outage costs 503s instead of spooled rows.
    log(
      `tandem: warning: cannot open the spool ${path} (${outageReason(error)}); during a PostgreSQL outage requests will get 503. Set store.spool_path to a writable file.`,
    );
    return null;
  }
}

interface Opened {
  db: Kysely<TandemDatabase>;
  writer: PostgresRequestWriter;
  audit: PostgresAuditLog;
  guard: PostgresOutageGuard;
  probePool: pg.Pool;
}

/** One start-up try: migrate, prepare the writers, replay what an earlier process left in the spool. */
async function connect(o: {
  options: PostgresStoreOptions;
  poolOptions: PostgresPoolOptions;
  spool: SpoolJournal | null;
  database: string;
  log: (line: string) => void;
}): Promise<Opened> {
  const { options, poolOptions } = o;
  await migrate(options, poolOptions);
  const pool = createPostgresPool(poolOptions);
  const db = new Kysely<TandemDatabase>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  // The health probe has a connection of its own: a pool busy with slow queries is not an outage, and must
  // not keep /readyz at 503 after the database is back. Its connection errors say nothing new: not logged.
  const probePool = createPostgresPool({ ...poolOptions, max: 1, onConnectionError: () => undefined });
  try {
    const schema = await currentSchema(db);
    const writer = await createPostgresRequestWriter({ pool, schema, logBodies: options.logBodies, ...options.groupCommit });
    let guard: PostgresOutageGuard | undefined;
    const audit = await openPostgresAuditLog({
      db,
      guard: () => {
        if (guard === undefined) throw new Error('the audit log was used before the store opened');
        return guard;
      },
    });
    guard = new PostgresOutageGuard({
      probe: () => probe(probePool, poolOptions.connectTimeoutMs),
      replay: (kind, bodies) => (kind === 'audit' ? audit.replay(bodies) : writer.replay(bodies.map((b) => JSON.parse(b) as RequestRecord))),
      spool: o.spool,
      commitTimeoutMs: options.commitTimeoutMs ?? 2_000,
      healthCheckIntervalMs: options.healthCheckIntervalMs ?? 2_000,
      database: o.database,
      log: o.log,
    });
    const replayed = await guard.replayNow();
    if (replayed > 0) o.log(`tandem: replayed ${replayed} entries an earlier run left in the spool ${o.spool?.path ?? ''}`);
    return { db, writer, audit, guard, probePool };
  } catch (error) {
    await Promise.allSettled([db.destroy(), probePool.end()]);
    throw error;
  }
}

/**
 * Schema and migrations on a pool of their own without statement or query timeouts: a migration that
 * rewrites a large table may rightly run for minutes.
 */
async function migrate(options: PostgresStoreOptions, poolOptions: PostgresPoolOptions): Promise<void> {
  const pool = createPostgresPool({ ...poolOptions, max: 2, statementTimeoutMs: 0, queryTimeoutMs: 0 });
  const db = new Kysely<TandemDatabase>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  try {
    if (options.schema !== undefined) await createSchema(db, options.schema);
    await prepareSchema(db as Kysely<unknown>, {
      schema: await currentSchema(db),
      mode: options.migrate ?? 'auto',
      ...(options.log === undefined ? {} : { log: options.log }),
    });
  } finally {
    await db.destroy();
  }
}

async function currentSchema(db: Kysely<TandemDatabase>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null) throw new Error('the connection has no current schema: set store.schema');
  return schema;
}

async function probe(pool: pg.Pool, timeoutMs: number): Promise<void> {
  await pool.query({ text: 'select 1', query_timeout: timeoutMs } as pg.QueryConfig);
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
