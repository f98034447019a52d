/**
 * A local, durable journal of writes a remote store could not commit, kept until they are replayed into
 * it. One SQLite file (better-sqlite3, WAL, synchronous=FULL: a committed append has been fsynced, so it
 * survives the process being killed and the host losing power). Appends that arrive in one event-loop
 * turn share one transaction, so an outage under load costs one fsync per turn, not one per request.
 *
 * Several processes may share a file (replicas started from one config directory): SQLite's locks keep
 * their appends apart, and replaying an entry twice is harmless because every replay is idempotent.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface SpoolEntry {
  seq: number;
  kind: string;
  /** JSON text, as appended. */
  body: string;
}

export interface SpoolJournal {
  readonly path: string;
  /** Resolves once the entry is on disk; rejects when it could not be written. */
  append(entry: { kind: string; body: string }): Promise<void>;
  /** The oldest entries, in append order. */
  peek(limit: number): SpoolEntry[];
  /** Forgets entries once they are safely elsewhere. */
  remove(seqs: readonly number[]): void;
  /** Moves an entry the remote store refuses (it would refuse it forever) aside, with the reason, for an operator. */
  reject(entry: SpoolEntry, reason: string): void;
  /** Entries waiting (rejected ones not counted). */
  count(): number;
  close(): void;
}

export function openSpoolJournal(options: { path: string; busyTimeoutMs?: number }): SpoolJournal {
  mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    db.exec(`
      create table if not exists spool (seq integer primary key autoincrement, kind text not null, body text not null);
      create table if not exists spool_rejected (seq integer primary key, kind text not null, body text not null, reason text not null, rejected_at integer not null);
    `);
  } catch (error) {
    db.close();
    throw error;
  }
  const insert = db.prepare<[string, string]>('insert into spool (kind, body) values (?, ?)');
  const select = db.prepare<[number], SpoolEntry>('select seq, kind, body from spool order by seq limit ?');
  const remove = db.prepare<[number]>('delete from spool where seq = ?');
  const counter = db.prepare<[], { n: number }>('select count(*) as n from spool');
  const insertRejected = db.prepare<[number, string, string, string, number]>(
    'insert or replace into spool_rejected (seq, kind, body, reason, rejected_at) values (?, ?, ?, ?, ?)',
  );
  const appendAll = db.transaction((entries: ReadonlyArray<{ kind: string; body: string }>) => {
    for (const e of entries) insert.run(e.kind, e.body);
  });
  const removeAll = db.transaction((seqs: readonly number[]) => {
    for (const seq of seqs) remove.run(seq);
  });

  let waiting: Array<{ entry: { kind: string; body: string }; resolve(): void; reject(error: Error): void }> = [];
  let scheduled = false;
  let closed = false;
  const flush = (): void => {
    scheduled = false;
    const batch = waiting;
    waiting = [];
    try {
      if (closed) throw new Error('the spool journal is closed');
      appendAll(batch.map((w) => w.entry));
      for (const w of batch) w.resolve();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const w of batch) w.reject(failure);
    }
  };

  return {
    path: options.path,
    append(entry) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        // setImmediate, not a microtask: answers finishing in the same turn (from separate sockets) share the fsync.
        setImmediate(flush);
      });
    },
    peek: (limit) => select.all(Math.max(1, Math.floor(limit))),
    remove(seqs) {
      if (seqs.length > 0) removeAll(seqs);
    },
    reject(entry, reason) {
      db.transaction(() => {
        insertRejected.run(entry.seq, entry.kind, entry.body, reason, Date.now());
        remove.run(entry.seq);
      })();
    },
    count: () => counter.get()?.n ?? 0,
    close() {
      if (closed) return;
      if (waiting.length > 0) flush();
      closed = true;
      db.close();
    },
  };
}
