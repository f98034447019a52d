/**
 * The two error types everything in Tandem throws.
 *
 * GatewayError is what a client sees: an HTTP status and OpenAI's error JSON
 * (`{error: {message, type, param, code}}`). ProviderError is an upstream's failure as an adapter saw it;
 * the fallback logic reads `isRetryable`, and when every candidate has failed it becomes a 502/503/504.
 */

/**
 * The `type` values OpenAI's API sends, so clients that branch on them read Tandem's errors the same way:
 * every 4xx but 429 is an `invalid_request_error` (401 and 404 included), 429 is `rate_limit_exceeded`,
 * Tandem's own fault is `server_error`, and an upstream's failure is `api_error`. Tandem's detail is in
 * `code` (`model_not_found`, `budget_exceeded`, `upstream_unavailable`, …) and the message
 * (docs/decisions/error-types.md).
 */
export type GatewayErrorType = 'invalid_request_error' | 'rate_limit_exceeded' | 'server_error' | 'api_error';

export interface GatewayErrorOptions {
  status: number;
  message: string;
  type?: GatewayErrorType;
  /** Path of the offending field, e.g. `messages[2].content`. */
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: GatewayErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(options: GatewayErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type ?? defaultType(options.status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function defaultType(status: number): GatewayErrorType {
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return status === 500 ? 'server_error' : 'api_error';
  return 'invalid_request_error';
}

export interface ProviderErrorOptions {
  provider: string;
  message: string;
  /** HTTP status from the upstream; undefined for connection errors and timeouts. */
  statusCode?: number;
  /** Connection refused/reset, timeout, 408, 409, 429 and 5xx are retryable; 4xx are not. */
  isRetryable?: boolean;
  /** The upstream's response body, if any, for logs. */
  body?: string;
  /** From a `retry-after` / `retry-after-ms` header. */
  retryAfterMs?: number;
  kind?: 'http' | 'connection' | 'timeout' | 'aborted' | 'protocol';
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly provider: string;
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  readonly body: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly kind: 'http' | 'connection' | 'timeout' | 'aborted' | 'protocol';

  constructor(options: ProviderErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.statusCode = options.statusCode;
    this.kind = options.kind ?? (options.statusCode === undefined ? 'connection' : 'http');
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.statusCode, this.kind);
    this.body = options.body;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** openai-node's rule: retry 408, 409, 429 and 5xx, and failures that never got a status. */
export function isRetryableStatus(status: number | undefined, kind: ProviderError['kind'] = 'http'): boolean {
  if (kind === 'aborted') return false;
  if (status === undefined) return kind !== 'protocol';
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Parses `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const ms = Number(first(headers['retry-after-ms']));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = first(headers['retry-after']);
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
