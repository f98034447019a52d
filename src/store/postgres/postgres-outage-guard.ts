/**
 * Keeps the request log's promise ("a client that got an answer has a row") while PostgreSQL is away,
 * and knows whether it is away (/readyz).
 *
 * A write first goes to PostgreSQL. When that fails as an outage (postgres-errors.ts) or takes longer than
 * store.commit_timeout_ms, the entry is appended to the local spool (spool-journal.ts, fsynced) and the
 * write succeeds; from then on the store is down: writes go straight to the spool, without waiting on the
 * database, and a probe runs every second. Once the probe answers, the spool is replayed, oldest first,
 * with idempotent inserts (a row the database did commit after all is skipped), and only when it is empty
 * does the store count as up again, so nothing written later can overtake a spooled audit record.
 * While up, the probe still runs every store.health_check_interval_ms, so an idle gateway notices an
 * outage too. Design and alternatives: docs/decisions/postgres-outages.md.
 */
import type { SpoolEntry, SpoolJournal } from '../spool-journal.js';
import { storeUnavailableError } from '../store-unavailable.js';
import { CommitTimeoutError, isPostgresUnavailable, isRefusedForGood, outageReason } from './postgres-errors.js';

export type SpoolKind = 'request' | 'audit';

export interface PostgresOutageGuardOptions {
  /** A cheap round trip (`select 1`); rejects when PostgreSQL cannot answer. */
  probe(): Promise<void>;
  /**
   * Writes spooled entries of one kind, in order, idempotently. One outcome per entry: an Error means
   * PostgreSQL refuses that entry for good (it is set aside); throwing an outage error stops the replay.
   */
  replay(kind: SpoolKind, bodies: readonly string[]): Promise<ReadonlyArray<Error | undefined>>;
  spool: SpoolJournal | null;
  commitTimeoutMs: number;
  healthCheckIntervalMs: number;
  /** host:port/database, for log lines. */
  database: string;
  log(line: string): void;
}

/** Entries read from the spool per replay round. */
const REPLAY_CHUNK = 500;
/** Probe period while down: "ready again within a few seconds". */
const DOWN_PROBE_MS = 1_000;

export class PostgresOutageGuard {
  private up = true;
  private downSince = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Entries this process spooled since the last outage began (for the recovery log line). */
  private spooledSinceDown = 0;
  /** Writes not yet settled: close() waits for them, so none finds the spool closed. */
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly options: PostgresOutageGuardOptions) {}

  /** PostgreSQL answers and nothing is waiting in the spool. */
  get ready(): boolean {
    return this.up;
  }

  /** A write would be kept somewhere: false only when PostgreSQL is down and there is no spool. */
  get accepting(): boolean {
    return this.up || this.options.spool !== null;
  }

  /** Starts the health checks. */
  start(): void {
    this.schedule();
  }

  /**
   * Commits an entry through `commit`, or, during an outage, into the spool. Resolves once it is durable
   * in one of the two; rejects with the database's own error when PostgreSQL refused it (a duplicate), and
   * with a 503 store_unavailable when neither place could take it.
   */
  write(entry: () => { kind: SpoolKind; body: string }, commit: () => Promise<void>): Promise<void> {
    const writing = this.commitOrSpool(entry, commit);
    this.writing.add(writing);
    void writing.then(
      () => this.writing.delete(writing),
      () => this.writing.delete(writing),
    );
    return writing;
  }

  private async commitOrSpool(entry: () => { kind: SpoolKind; body: string }, commit: () => Promise<void>): Promise<void> {
    if (this.up) {
      try {
        await withTimeout(commit(), this.options.commitTimeoutMs);
        return;
      } catch (error) {
        if (!isPostgresUnavailable(error)) throw error;
        this.markDown(error);
      }
    }
    const spool = this.options.spool;
    if (spool === null) throw storeUnavailableError();
    try {
      await spool.append(entry());
    } catch (error) {
      this.options.log(`tandem: could not write to the spool ${spool.path}: ${outageReason(error)}`);
      throw storeUnavailableError(error);
    }
    this.spooledSinceDown++;
  }

  /** Replays the whole spool now (start-up); throws an outage error if PostgreSQL goes away meanwhile. */
  async replayNow(): Promise<number> {
    return this.replay();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    // Each settles within commit_timeout_ms (committed, or spooled after the timeout).
    await Promise.allSettled([...this.writing]);
    await this.running;
    // Shutdown flushes the log: one last try to empty the spool; what stays is replayed at the next start.
    const spool = this.options.spool;
    if (spool === null || spool.count() === 0) return;
    try {
      await this.replay();
    } catch (error) {
      this.options.log(`tandem: ${spool.count()} spooled entries stay in ${spool.path} for the next start (${outageReason(error)})`);
    }
  }

  private markDown(error: unknown): void {
    if (!this.up) return;
    this.up = false;
    this.downSince = Date.now();
    this.spooledSinceDown = 0;
    const where = this.options.spool === null ? 'requests get 503 (store.spool is off)' : `answers are kept in ${this.options.spool.path}`;
    this.options.log(`tandem: PostgreSQL at ${this.options.database} is unavailable (${outageReason(error)}); ${where} until it is back; /readyz reports 503`);
    // Probe soon rather than at the next healthy-interval tick.
    if (this.running === undefined && !this.closed) {
      clearTimeout(this.timer);
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(
      () => {
        this.running = this.check().finally(() => {
          this.running = undefined;
          this.schedule();
        });
      },
      this.up ? this.options.healthCheckIntervalMs : Math.min(DOWN_PROBE_MS, this.options.healthCheckIntervalMs),
    );
    // The HTTP server keeps the process alive; health checks alone must not.
    this.timer.unref();
  }

  private async check(): Promise<void> {
    try {
      await withTimeout(this.options.probe(), Math.max(this.options.commitTimeoutMs, 1_000));
      const replayed = (this.options.spool?.count() ?? 0) > 0 ? await this.replay() : 0;
      // replay() returned on an empty spool and nothing has awaited since: no append can slip in between.
      if (!this.up && !this.closed) {
        this.up = true;
        const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
        this.options.log(
          `tandem: PostgreSQL at ${this.options.database} is back after ${seconds} s; replayed ${replayed} spooled entries (${this.spooledSinceDown} from this process); /readyz reports 200`,
        );
      }
    } catch (error) {
      if (isPostgresUnavailable(error)) this.markDown(error);
      else this.options.log(`tandem: PostgreSQL health check failed: ${outageReason(error)}`);
    }
  }

  /** Empties the spool into PostgreSQL; returns how many entries it moved. */
  private async replay(): Promise<number> {
    const spool = this.options.spool;
    if (spool === null) return 0;
    let moved = 0;
    for (;;) {
      const entries = spool.peek(REPLAY_CHUNK);
      if (entries.length === 0) return moved;
      // Requests first, then audit batches in their order; within a chunk the two are independent tables.
      for (const kind of ['request', 'audit'] as const) {
        const ofKind = entries.filter((e) => e.kind === kind);
        if (ofKind.length === 0) continue;
        const outcomes = await this.options.replay(
          kind,
          ofKind.map((e) => e.body),
        );
        // Anything but a refusal for good (a missing table, a permission) stops the replay: the entries stay.
        const blocking = outcomes.find((o) => o !== undefined && !isRefusedForGood(o));
        if (blocking !== undefined) throw blocking;
        ofKind.forEach((entry, i) => {
          const refused = outcomes[i];
          if (refused !== undefined) this.setAside(spool, entry, refused.message);
        });
      }
      for (const entry of entries) if (entry.kind !== 'request' && entry.kind !== 'audit') this.setAside(spool, entry, `unknown kind ${entry.kind}`);
      spool.remove(entries.map((e) => e.seq));
      moved += entries.length;
    }
  }

  private setAside(spool: SpoolJournal, entry: SpoolEntry, reason: string): void {
    spool.reject(entry, reason);
    this.options.log(`tandem: PostgreSQL refused spooled ${entry.kind} entry ${entry.seq} (${reason}); kept in ${spool.path}, table spool_rejected`);
  }
}

/** Rejects with CommitTimeoutError after `ms`; the promise's own late outcome is then ignored. */
function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommitTimeoutError(ms)), ms);
  });
  // A late rejection after the timeout won must not become an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
