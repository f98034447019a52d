/**
 * Listeners for finished requests: telemetry, audit and budget settlement hang off this instead of being
 * imported by the request path (STYLE.md: store and telemetry listen to events).
 */
import type { RequestRecord } from '../spec/request-record.js';

export interface RequestObserver {
  /** A short name used when an observer throws (it is reported, never allowed to fail the request). */
  readonly name: string;
  /**
   * Called once per finished request, in the same tick as its request-log append (so a store can commit
   * both together) and before the last byte reaches the client. Return a promise only for work that must
   * be durable by then (the audit chain); everything else should be synchronous and cheap.
   */
  onRequestFinished(record: RequestRecord): void | Promise<void>;
}
