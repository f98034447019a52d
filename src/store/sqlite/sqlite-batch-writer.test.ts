import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteBatchWriter } from './sqlite-batch-writer.js';

function table(): { sqlite: Database.Database; insert: Database.Statement } {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table t (id text not null unique, n integer not null)');
  return { sqlite, insert: sqlite.prepare('insert into t (id, n) values (@id, @n)') };
}

test('appends made in one turn commit together, and each resolves only once its row is readable', async () => {
  const { sqlite, insert } = table();
  const writer = createSqliteBatchWriter({ sqlite, insert });
  const count = (): number => (sqlite.prepare('select count(*) as c from t').get() as { c: number }).c;
  const seenAtResolve: number[] = [];
  const appends = Array.from({ length: 50 }, (_, n) => writer.append({ id: `r${n}`, n }).then(() => void seenAtResolve.push(count())));
  assert.equal(count(), 0, 'nothing is written synchronously');
  await Promise.all(appends);
  assert.equal(seenAtResolve.length, 50);
  // Every promise saw all 50 rows: they were committed in a single transaction before any resolved.
  assert.deepEqual(new Set(seenAtResolve), new Set([50]));
  sqlite.close();
});

test('a row the database refuses fails only its own append; its batch-mates land', async () => {
  const { sqlite, insert } = table();
  const writer = createSqliteBatchWriter({ sqlite, insert });
  await writer.append({ id: 'taken', n: 0 });
  const results = await Promise.allSettled([writer.append({ id: 'a', n: 1 }), writer.append({ id: 'taken', n: 2 }), writer.append({ id: 'b', n: 3 })]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  const rows = sqlite.prepare('select id, n from t order by n').all();
  assert.deepEqual(rows, [
    { id: 'taken', n: 0 },
    { id: 'a', n: 1 },
    { id: 'b', n: 3 },
  ]);
  sqlite.close();
});

test('flush commits the queue at once; appends after the database closed reject', async () => {
  const { sqlite, insert } = table();
  const writer = createSqliteBatchWriter({ sqlite, insert });
  const pending = writer.append({ id: 'x', n: 1 });
  writer.flush();
  assert.equal((sqlite.prepare('select count(*) as c from t').get() as { c: number }).c, 1);
  await pending;
  sqlite.close();
  await assert.rejects(writer.append({ id: 'y', n: 2 }));
});
