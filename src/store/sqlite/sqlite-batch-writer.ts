/**
 * Group commit for SQLite: appends made during one turn of the event loop are inserted in a single
 * transaction in the loop's check phase (setImmediate), and each append's promise resolves only after
 * that COMMIT returned, i.e. once its row is in the WAL file and survives SIGKILL.
 *
 * Why setImmediate and not a microtask: under load, the responses of many upstream calls are read in
 * one poll phase, each in its own callback; a microtask would commit after every callback (batches of
 * one), the check phase commits them all at once. An idle gateway still commits within the same loop
 * turn, so a lone request waits microseconds, not a timer.
 *
 * Why it pays: in autocommit mode every row is its own transaction, which rewrites the table's last
 * page (and index pages) into the WAL, so the WAL fills and checkpoints (with an fsync) every ~170 rows
 * of ~2.5 KB bodies. One transaction per batch writes each touched page once.
 */
import type { Database } from 'better-sqlite3';

export interface SqliteBatchWriter<Row> {
  /** Resolves once the row is committed; rejects with that row's own error only. */
  append(row: Row): Promise<void>;
  /**
   * The same through another prepared statement (the audit chain's insert), so every write of a loop turn
   * shares one COMMIT instead of each table paying its own.
   */
  appendWith<Other>(statement: { run(row: Other): unknown }, row: Other): Promise<void>;
  /** Commits whatever is queued now (used by close). */
  flush(): void;
}

interface Queued {
  run(): unknown;
  resolve(): void;
  reject(error: unknown): void;
}

export function createSqliteBatchWriter<Row>(options: { sqlite: Database; insert: { run(row: Row): unknown } }): SqliteBatchWriter<Row> {
  const { sqlite, insert } = options;
  let queue: Queued[] = [];
  let scheduled = false;
  const insertAll = sqlite.transaction((rows: readonly Queued[]) => {
    for (const q of rows) q.run();
  });

  function flush(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    if (batch.length > 1) {
      try {
        insertAll(batch);
        for (const q of batch) q.resolve();
        return;
      } catch {
        // The transaction rolled back as a whole: redo row by row so one bad row fails only its own append.
      }
    }
    for (const q of batch) {
      try {
        q.run();
        q.resolve();
      } catch (error) {
        q.reject(error);
      }
    }
  }

  function enqueue(run: () => unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      queue.push({ run, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  return {
    append: (row) => enqueue(() => insert.run(row)),
    appendWith: (statement, row) => enqueue(() => statement.run(row)),
    flush,
  };
}
