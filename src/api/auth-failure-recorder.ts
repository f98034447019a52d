/**
 * Makes key guessing visible: every 401 is counted (tandem_auth_failures_total{code}) and the first few
 * per client address per minute go into the audit log with the error code, the address, the endpoint and
 * a short prefix of what was sent, never the secret. Sampled, so a flood of guesses costs the audit log a
 * bounded number of records a minute; the counter still sees every one.
 */
import type { AuditChain } from '../governance/audit-chain.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { AuthenticationError } from './authenticate.js';

/** Audit records per client address per minute; later failures in that minute are only counted. */
export const AUDITED_PER_ADDRESS_PER_MINUTE = 10;
/** Addresses sampled per minute: past this many distinct ones (a botnet), new addresses are only counted. */
const ADDRESSES_PER_MINUTE = 1_000;
const MINUTE_MS = 60_000;

export interface AuthFailureRecorderOptions {
  /** The gateway's audit chain; null when `audit.enabled` is false. Only its public append is used. */
  audit: Pick<AuditChain, 'append'> | null;
  /** The Prometheus metrics, when installed. */
  metrics?: { authFailure(code: string): void } | undefined;
  now?: () => number;
  perAddressPerMinute?: number;
}

export interface AuthFailureEvent {
  error: AuthenticationError;
  /** The request's id (x-request-id), so the audit record and the client's error can be matched. */
  requestId: string;
  /** When the request arrived (ms since the epoch). */
  time: number;
  /** The TCP peer: behind a proxy, the proxy (forwarded headers are the client's to forge). */
  address: string | undefined;
  /** e.g. `POST /v1/chat/completions`. */
  endpoint: string;
}

export class AuthFailureRecorder {
  private window = -1;
  private readonly perAddress = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly limit: number;

  constructor(private readonly options: AuthFailureRecorderOptions) {
    this.now = options.now ?? Date.now;
    this.limit = options.perAddressPerMinute ?? AUDITED_PER_ADDRESS_PER_MINUTE;
  }

  record(event: AuthFailureEvent): void {
    const code = event.error.code ?? 'unauthorized';
    this.options.metrics?.authFailure(code);
    const audit = this.options.audit;
    if (audit === null || !this.sampled(event.address ?? 'unknown')) return;
    // The 401 does not wait for the audit write: a slow store must not make refusing a guess slower
    // (close() waits for what is still being written).
    const appended = audit.append(auditEntryForAuthFailure(event, code)).then(
      () => undefined,
      (error: unknown) => console.error(`tandem: auditing a 401 failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.pending.add(appended);
    void appended.finally(() => this.pending.delete(appended));
  }

  /** Waits for audit records still being written. */
  async close(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private sampled(address: string): boolean {
    const window = Math.floor(this.now() / MINUTE_MS);
    if (window !== this.window) {
      this.window = window;
      this.perAddress.clear();
    }
    const seen = this.perAddress.get(address);
    if (seen === undefined && this.perAddress.size >= ADDRESSES_PER_MINUTE) return false;
    if ((seen ?? 0) >= this.limit) return false;
    this.perAddress.set(address, (seen ?? 0) + 1);
    return true;
  }
}

/**
 * An audit entry for a refused request. The entry's shape is the request entry's (one record kind in
 * the chain); what is particular to a 401 goes into `reason` as `key=value` pairs, values JSON-quoted
 * where a client chose them.
 */
export function auditEntryForAuthFailure(event: AuthFailureEvent, code: string): AuditEntry {
  const reason = [
    'auth_failure',
    `code=${code}`,
    `client=${JSON.stringify(event.address ?? 'unknown')}`,
    `endpoint=${JSON.stringify(event.endpoint.slice(0, 200))}`,
    `key_prefix=${event.error.keyPrefix === null ? 'none' : JSON.stringify(event.error.keyPrefix)}`,
  ].join(' ');
  // Keys in sorted order, as auditEntryFor writes them.
  return {
    keyId: event.error.keyId,
    model: null,
    privacy: null,
    reason,
    refusals: [],
    requestId: event.requestId,
    requestSha256: null,
    requestedModel: '',
    responseSha256: null,
    route: null,
    status: 401,
    time: event.time,
    user: null,
  };
}
