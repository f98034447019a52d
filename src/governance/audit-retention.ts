/**
 * Keeps the audit chain of a store that keeps only the last N requests (the memory store's
 * `max_requests`) at about as many records, so a long-running gateway on that store stays bounded: once
 * the chain outgrows `keep` by a tenth, its older records are cut behind a checkpoint (trimAuditChain)
 * and it still verifies. Trims run after the request that crossed the line and never delay a response.
 */
import type { AuditLog } from '../store/audit-log.js';
import { trimAuditChain, type AuditChain } from './audit-chain.js';

export class AuditRetention {
  /** Records past `keep` before a trim: a checkpoint (and a pass over the log) per this many requests. */
  private readonly slack: number;
  private nextTrimAt: number;
  private running: Promise<void> | null = null;

  constructor(private readonly options: { chain: AuditChain; log: AuditLog; keep: number }) {
    this.slack = Math.max(64, Math.ceil(options.keep / 10));
    this.nextTrimAt = options.keep + this.slack;
  }

  /** Told the seq of every record the chain appended; starts a trim once the chain is `slack` past `keep`. */
  appended(seq: number): void {
    if (this.running !== null || seq < this.nextTrimAt) return;
    this.running = trimAuditChain(this.options)
      .then(
        () => undefined,
        (error: unknown) =>
          console.error(
            `tandem: trimming the audit chain failed (retried after ${this.slack} more requests): ${error instanceof Error ? error.message : String(error)}`,
          ),
      )
      .finally(() => {
        this.running = null;
        this.nextTrimAt = seq + this.slack;
      });
  }

  /** Waits for a trim in progress. */
  async close(): Promise<void> {
    await this.running;
  }
}
