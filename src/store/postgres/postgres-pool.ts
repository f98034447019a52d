/**
 * The pg connection pool with everything an outage needs bounded: connect (and pool checkout) timeout,
 * statement_timeout on the server, a client-side query timeout for a server that never answers, TCP
 * keepalive, and an 'error' listener on every client for its whole life.
 *
 * That last one is the crash fix: pg-pool listens for 'error' only while a client sits idle and removes
 * its listener at checkout, so a connection killed mid-query (pg_terminate_backend, a restart, a failover)
 * emitted 'error' with no listener, which Node turns into an uncaught exception. The query itself still
 * fails through its promise; the listener only keeps the event from taking the process down.
 */
import pg from 'pg';

export interface PostgresPoolOptions {
  url: string;
  max: number;
  /** search_path for every connection; unset: the server's default. */
  schema?: string;
  applicationName: string;
  connectTimeoutMs: number;
  /** 0: none. */
  statementTimeoutMs: number;
  /** 0: none. */
  queryTimeoutMs: number;
  /** Idle time before keepalive probes; 0: keepalive off. */
  keepAliveMs: number;
  /** A connection failed (reported once per connection, however many listeners pg notifies). */
  onConnectionError(error: Error): void;
}

export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const settings = ['-c synchronous_commit=on'];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  const config: pg.PoolConfig = {
    connectionString: options.url,
    max: options.max,
    options: settings.join(' '),
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: options.keepAliveMs > 0,
    keepAliveInitialDelayMillis: options.keepAliveMs,
  };
  if (options.statementTimeoutMs > 0) config.statement_timeout = options.statementTimeoutMs;
  if (options.queryTimeoutMs > 0) config.query_timeout = options.queryTimeoutMs;
  const pool = new pg.Pool(config);
  const reported = new WeakSet<pg.Client>();
  const report = (client: pg.Client, error: Error): void => {
    if (reported.has(client)) return;
    reported.add(client);
    options.onConnectionError(error);
  };
  // Idle clients: pg-pool re-emits their errors here, after removing the client. The client listener
  // below has already reported it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => report(client, error));
  });
  return pool;
}

/** host:port/database of a connection URL, for log lines (never the user or password). */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured database';
  }
}
