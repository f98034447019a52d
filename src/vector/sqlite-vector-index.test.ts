/** Runs the VectorIndex contract against sqlite-vec in a real SQLite database (and through the SQLite store). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { SqliteVectorIndex } from './sqlite-vector-index.js';
import { runVectorIndexContract } from './vector-index.contract.js';

runVectorIndexContract('sqlite-vec', async () => {
  const db = new Database(':memory:');
  return { vectors: new SqliteVectorIndex(db), close: async () => void db.close() };
});

runVectorIndexContract('sqlite store', async () => {
  const store = await openSqliteStore({ path: ':memory:', logBodies: false });
  if (!store.vectors) throw new Error('the SQLite store has no vector index');
  return { vectors: store.vectors, close: () => store.close() };
});

test('vectors survive reopening the store file', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'tandem-vec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'tandem.db');
  const first = await openSqliteStore({ path, logBodies: false });
  await first.vectors?.ensureSpace('s', 2);
  await first.vectors?.upsert('s', [{ id: 'a', vector: Float32Array.from([1, 0]) }]);
  await first.close();
  const second = await openSqliteStore({ path, logBodies: false });
  t.after(() => second.close());
  assert.equal(await second.vectors?.count('s'), 1);
  assert.equal((await second.vectors?.search('s', Float32Array.from([1, 0.1]), 1))?.[0]?.id, 'a');
  await assert.rejects(second.vectors?.ensureSpace('s', 3) ?? Promise.resolve(), /dimension/);
});
