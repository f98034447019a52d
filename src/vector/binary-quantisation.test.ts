/**
 * The quantised search (binary-quantisation.ts) against the exact scan, on realistic data: lexical
 * embeddings of the banking77 and clinc150 texts (../shared/data/intents), queried with lightly reworded
 * stored texts, in a space large enough to take the quantised pass. Checked on memory and SQLite.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { loadIntentSets } from '../../bench/cache-quality.js';
import { QUANTISED_FROM, signBitBytes, useQuantised } from './binary-quantisation.js';
import { LexicalEmbedder } from './lexical-embedder.js';
import { MemoryVectorIndex } from './memory-vector-index.js';
import { SqliteVectorIndex } from './sqlite-vector-index.js';
import { seededVector } from './vector-index.contract.js';
import type { VectorIndex } from './vector-index.js';

test('sign bits follow sqlite-vec bit order; only large spaces with a high minScore are quantised', () => {
  const bytes = signBitBytes(Float32Array.from([1, -1, 0, 2, 0, 0, 0, 0, -3, 4]));
  assert.deepEqual([...bytes], [0b1001, 0b10]);
  assert.equal(useQuantised(QUANTISED_FROM - 1, 256, 0.9), false);
  assert.equal(useQuantised(QUANTISED_FROM, 256, 0.9), true);
  assert.equal(useQuantised(QUANTISED_FROM, 2, 0.9), false);
  assert.equal(useQuantised(QUANTISED_FROM, 256, 0.5), false);
  assert.equal(useQuantised(QUANTISED_FROM, 256, undefined), false);
});

test('quantised search finds ≥ 99% of the exact top 4 and never misses an exact nearest above minScore', async (t) => {
  const texts = [...new Set(loadIntentSets().flatMap((s) => [...s.train, ...s.test].map((x) => x.text)))];
  const size = QUANTISED_FROM + 5_000;
  for (let i = 0; texts.length < size; i++) texts.push(`${texts[i]} ${texts[(i * 7919 + 13) % texts.length]}`);
  const stored = texts.slice(0, size);
  const embedder = new LexicalEmbedder();
  embedder.observe(stored);
  const vectors = await embedder.embed(stored);
  const items = vectors.map((vector, i) => ({ id: `e${i}`, vector }));
  const reword = (text: string, i: number): string => {
    const words = text.split(' ');
    if (i % 3 === 0) return `${text} please`;
    if (i % 3 === 1 && words.length > 3) return words.slice(0, -1).join(' ');
    return words.length > 2 ? [words[1], words[0], ...words.slice(2)].join(' ') : `hi ${text}`;
  };
  const queries = await embedder.embed(Array.from({ length: 150 }, (_, i) => reword(stored[(i * 2477) % size] as string, i)));
  const db = new Database(':memory:');
  t.after(() => db.close());
  const backends: Array<[string, VectorIndex]> = [
    ['memory', new MemoryVectorIndex()],
    ['sqlite', new SqliteVectorIndex(db)],
  ];
  for (const [name, index] of backends) {
    await index.ensureSpace('s', embedder.dimensions);
    for (let at = 0; at < size; at += 5_000) await index.upsert('s', items.slice(at, at + 5_000));
    for (const minScore of [0.8, 0.9]) {
      let wanted = 0;
      let found = 0;
      for (const query of queries) {
        // Without minScore the search is the exact scan; filtered, it is what the quantised one must return.
        const exact = (await index.search('s', query, 4)).filter((m) => m.score >= minScore);
        const got = await index.search('s', query, 4, { minScore });
        // Equal scores (identical texts' vectors) may come in either order.
        if (exact[0]) assert.ok(Math.abs((got[0]?.score ?? 0) - exact[0].score) < 1e-5, `${name}: the exact nearest above ${minScore} was missed`);
        const ids = new Set(got.map((m) => m.id));
        wanted += exact.length;
        found += exact.filter((m) => ids.has(m.id)).length;
        for (const m of got) assert.ok(m.score >= minScore);
      }
      assert.ok(wanted > 100, `${name}: too few matches above ${minScore} to judge (${wanted})`);
      assert.ok(found / wanted >= 0.99, `${name} minScore ${minScore}: recall ${found}/${wanted}`);
    }
    // The bits follow the floats through replace and remove (memory moves the last row into the hole).
    const query = queries[0] as Float32Array;
    const first = (await index.search('s', query, 1, { minScore: 0.8 }))[0];
    assert.ok(first, `${name}: no match to work with`);
    await index.remove('s', [first.id, 'e100']);
    assert.notEqual((await index.search('s', query, 1, { minScore: 0.8 }))[0]?.id, first.id);
    const lastId = `e${size - 1}`;
    assert.equal((await index.search('s', vectors[size - 1] as Float32Array, 1, { minScore: 0.9 }))[0]?.id, lastId);
    await index.upsert('s', [{ id: 'e200', vector: query }]);
    const replaced = (await index.search('s', query, 1, { minScore: 0.9 }))[0];
    assert.equal(replaced?.id, 'e200');
    assert.ok((replaced?.score ?? 0) > 0.999);
  }
});

test('SQLite rows stored before vector_units existed are copied into it by the first quantised search', async (t) => {
  const db = new Database(':memory:');
  t.after(() => db.close());
  const { load } = await import('sqlite-vec');
  load(db);
  db.exec(`
    create table vector_spaces (space text primary key, dimensions integer not null);
    create table vector_items (rid integer primary key autoincrement, space text not null, id text not null, unique (space, id));
    create virtual table vec_items_64 using vec0(space text partition key, embedding float[64]);
    insert into vector_spaces values ('s', 64);`);
  const item = db.prepare('insert into vector_items (rid, space, id) values (?, ?, ?)');
  const vector = db.prepare('insert into vec_items_64 (rowid, space, embedding) values (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= QUANTISED_FROM; i++) {
      item.run(i, 's', `a${i}`);
      vector.run(BigInt(i), 's', Buffer.from(seededVector(i, 64).buffer));
    }
  })();
  const index = new SqliteVectorIndex(db);
  // Near stored vector 77: a small step towards another.
  const query = seededVector(77, 64).map((x, i) => x + 0.2 * (seededVector(78, 64)[i] as number));
  const exact = (await index.search('s', query, 3)).filter((m) => m.score >= 0.9);
  assert.equal(exact[0]?.id, 'a77');
  const quantised = await index.search('s', query, 3, { minScore: 0.9 });
  assert.deepEqual(
    quantised.map((m) => m.id),
    exact.map((m) => m.id),
  );
  for (const [i, m] of quantised.entries()) assert.ok(Math.abs(m.score - (exact[i]?.score ?? 0)) < 1e-5);
  assert.equal((db.prepare('select count(*) as n from vector_units').get() as { n: number }).n, QUANTISED_FROM);
  await index.remove('s', [exact[0]?.id ?? '']);
  assert.equal((db.prepare('select count(*) as n from vector_units').get() as { n: number }).n, QUANTISED_FROM - 1);
  assert.notEqual((await index.search('s', query, 1, { minScore: 0.9 }))[0]?.id, exact[0]?.id);
  await index.dropSpace('s');
  assert.equal((db.prepare('select count(*) as n from vector_units').get() as { n: number }).n, 0);
});

test('SQLite: writes by another connection to the same file are seen by the quantised search', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bq-'));
  const a = new Database(join(dir, 'v.db'));
  const b = new Database(join(dir, 'v.db'));
  t.after(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = new SqliteVectorIndex(a);
  await first.ensureSpace('s', 64);
  await first.upsert(
    's',
    Array.from({ length: QUANTISED_FROM }, (_, i) => ({ id: `a${i}`, vector: seededVector(i + 1, 64) })),
  );
  const query = seededVector(999_999, 64);
  assert.deepEqual(await first.search('s', query, 1, { minScore: 0.9 }), []);
  await new SqliteVectorIndex(b).upsert('s', [{ id: 'down', vector: query }]);
  assert.equal((await first.search('s', query, 1, { minScore: 0.9 }))[0]?.id, 'down');
});
