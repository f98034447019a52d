/**
 * Tells "PostgreSQL is unreachable or not taking work" (connection refused or cut, a timeout, the server
 * shutting down or out of connections) from "PostgreSQL refused this statement" (a duplicate key, a bad
 * value). Only the first is an outage: the store spools the write and /readyz turns 503; the second is a
 * real error for the caller, as before.
 */

/** Socket-level failures Node reports by errno code. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes that mean the server, not the statement, is the problem: 08 connection exception,
 * 53 insufficient resources (too many connections, disk full), 57 operator intervention (admin shutdown,
 * crash shutdown, cannot connect now, and 57014: our statement_timeout), 58 system error.
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const OUTAGE_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58']);

/**
 * pg and pg-pool raise their own client-side failures as plain Errors without a code; these are their
 * messages (node_modules/pg/lib/client.js, node_modules/pg-pool/index.js).
 */
const CLIENT_SIDE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|Connection ended unexpectedly|connection timeout|ECONNREFUSED|ECONNRESET/i;

/** The commit did not finish within store.commit_timeout_ms (the database may still commit it later). */
export class CommitTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`PostgreSQL did not commit within ${timeoutMs} ms`);
    this.name = 'CommitTimeoutError';
  }
}

export function isPostgresUnavailable(error: unknown): boolean {
  if (error instanceof CommitTimeoutError) return true;
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return OUTAGE_SQLSTATE_CLASSES.has(code.slice(0, 2));
  }
  // Node reports a refused connection to every address of a host name as one AggregateError.
  if (error instanceof AggregateError && error.errors.some((e) => isPostgresUnavailable(e))) return true;
  if (CLIENT_SIDE_MESSAGES.test(error.message)) return true;
  // Wrapped on the way up (a failed migration keeps the driver's error as its cause).
  return error.cause !== undefined && error.cause !== error && isPostgresUnavailable(error.cause);
}

/** A one-line reason for logs: the errno or SQLSTATE and message, never the connection URL. */
export function outageReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code: unknown = (error as { code?: unknown }).code;
  const message = error.message || (error instanceof AggregateError ? error.errors.map((e: unknown) => outageReason(e)).join('; ') : error.name);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * PostgreSQL refuses this row for good (SQLSTATE class 22 data exception, 23 integrity violation): a
 * replay sets it aside. Anything else (a missing table, a permission) may be fixed by an operator, so the
 * entry stays in the spool and the replay is tried again.
 */
export function isRefusedForGood(error: unknown): boolean {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
