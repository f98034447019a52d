/**
 * The behaviour every VectorIndex backend must have (memory, SQLite with sqlite-vec, PostgreSQL with
 * pgvector). A backend's test file calls runVectorIndexContract once per way of opening a fresh, empty index.
 * Results are compared with the in-memory exact scan as the reference.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryVectorIndex } from './memory-vector-index.js';
import type { VectorIndex } from './vector-index.js';

export type OpenVectorIndex = () => Promise<{ vectors: VectorIndex; close(): Promise<void> }>;

function v(...xs: number[]): Float32Array {
  return Float32Array.from(xs);
}

/** A deterministic pseudo-random unit vector (xorshift), so every backend sees the same data. */
export function seededVector(seed: number, dimensions: number): Float32Array {
  let x = seed * 2654435761 + 1;
  const out = new Float32Array(dimensions);
  let sum = 0;
  for (let i = 0; i < dimensions; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) / 4294967296) * 2 - 1;
    sum += (out[i] as number) ** 2;
  }
  for (let i = 0; i < dimensions; i++) out[i] = (out[i] as number) / Math.sqrt(sum);
  return out;
}

export function runVectorIndexContract(name: string, open: OpenVectorIndex): void {
  async function withIndex(body: (index: VectorIndex) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.vectors);
    } finally {
      await opened.close();
    }
  }

  describe(`VectorIndex contract: ${name}`, () => {
    test('finds the nearest by cosine, best first, with scores in [-1, 1]', async () => {
      await withIndex(async (index) => {
        await index.ensureSpace('s', 3);
        await index.upsert('s', [
          { id: 'x', vector: v(1, 0, 0) },
          { id: 'y', vector: v(0, 2, 0) },
          { id: 'xy', vector: v(1, 1, 0) },
          { id: '-x', vector: v(-3, 0, 0) },
        ]);
        const found = await index.search('s', v(2, 0.1, 0), 4);
        assert.deepEqual(
          found.map((m) => m.id),
          ['x', 'xy', 'y', '-x'],
        );
        assert.ok(Math.abs((found[0]?.score ?? 0) - 0.99875) < 1e-3, `score ${found[0]?.score}`);
        assert.ok(Math.abs((found[3]?.score ?? 0) + 0.99875) < 1e-3, `score ${found[3]?.score}`);
        for (const m of found) assert.ok(m.score >= -1 && m.score <= 1);
        assert.deepEqual(
          (await index.search('s', v(0, 1, 0), 1)).map((m) => m.id),
          ['y'],
        );
        assert.equal(await index.count('s'), 4);
      });
    });

    test('minScore leaves out the far ones; k bounds the list', async () => {
      await withIndex(async (index) => {
        await index.ensureSpace('s', 2);
        await index.upsert('s', [
          { id: 'a', vector: v(1, 0) },
          { id: 'b', vector: v(0.8, 0.6) },
          { id: 'c', vector: v(0, 1) },
        ]);
        const near = await index.search('s', v(1, 0), 10, { minScore: 0.5 });
        assert.deepEqual(
          near.map((m) => m.id),
          ['a', 'b'],
        );
        assert.equal((await index.search('s', v(1, 0), 2)).length, 2);
        assert.deepEqual(await index.search('s', v(-1, 0), 3, { minScore: 0.1 }), []);
      });
    });

    test('upserting an id replaces its vector; remove ignores unknown ids', async () => {
      await withIndex(async (index) => {
        await index.ensureSpace('s', 2);
        await index.upsert('s', [
          { id: 'a', vector: v(1, 0) },
          { id: 'b', vector: v(0, 1) },
        ]);
        await index.upsert('s', [{ id: 'a', vector: v(0, -1) }]);
        assert.equal(await index.count('s'), 2);
        assert.equal((await index.search('s', v(0, -1), 1))[0]?.id, 'a');
        await index.remove('s', ['b', 'never']);
        assert.equal(await index.count('s'), 1);
        assert.deepEqual(
          (await index.search('s', v(0, 1), 5)).map((m) => m.id),
          ['a'],
        );
        await index.remove('missing-space', ['a']);
      });
    });

    test('spaces are separate; a space keeps its dimension; dropSpace deletes its vectors', async () => {
      await withIndex(async (index) => {
        await index.ensureSpace('key-1/cache', 2);
        await index.ensureSpace('key-2/cache', 2);
        await index.ensureSpace('docs', 4);
        await index.ensureSpace('key-1/cache', 2);
        await assert.rejects(index.ensureSpace('docs', 3), /dimension/);
        await index.upsert('key-1/cache', [{ id: 'same-id', vector: v(1, 0) }]);
        await index.upsert('key-2/cache', [{ id: 'same-id', vector: v(0, 1) }]);
        await index.upsert('docs', [{ id: 'd', vector: v(1, 0, 0, 0) }]);
        assert.equal((await index.search('key-1/cache', v(0, 1), 1))[0]?.score !== undefined, true);
        assert.ok(((await index.search('key-1/cache', v(0, 1), 1))[0]?.score ?? 1) < 0.01);
        assert.ok(((await index.search('key-2/cache', v(0, 1), 1))[0]?.score ?? 0) > 0.99);
        await assert.rejects(index.upsert('docs', [{ id: 'bad', vector: v(1, 0) }]), /dimension/);
        await assert.rejects(index.upsert('nowhere', [{ id: 'x', vector: v(1, 0) }]));
        await index.dropSpace('key-1/cache');
        assert.equal(await index.count('key-1/cache'), 0);
        assert.deepEqual(await index.search('key-1/cache', v(1, 0), 1), []);
        assert.equal(await index.count('key-2/cache'), 1);
        await index.dropSpace('never-made');
        // A dropped space can be made again, even with another dimension.
        await index.ensureSpace('key-1/cache', 3);
        await index.upsert('key-1/cache', [{ id: 'n', vector: v(0, 0, 1) }]);
        assert.equal(await index.count('key-1/cache'), 1);
      });
    });

    test('a missing or empty space searches to an empty list', async () => {
      await withIndex(async (index) => {
        assert.deepEqual(await index.search('missing', v(1, 0), 3), []);
        assert.equal(await index.count('missing'), 0);
        await index.ensureSpace('empty', 2);
        assert.deepEqual(await index.search('empty', v(1, 0), 3), []);
      });
    });

    test('agrees with the exact scan on 2,000 random vectors (top 5, 64 dimensions)', async () => {
      await withIndex(async (index) => {
        const reference = new MemoryVectorIndex();
        const items = Array.from({ length: 2_000 }, (_, i) => ({ id: `item-${i}`, vector: seededVector(i + 1, 64) }));
        await index.ensureSpace('bulk', 64);
        await reference.ensureSpace('bulk', 64);
        await index.upsert('bulk', items);
        await reference.upsert('bulk', items);
        assert.equal(await index.count('bulk'), 2_000);
        let agreed = 0;
        for (let q = 0; q < 20; q++) {
          const query = seededVector(10_000 + q, 64);
          const got = await index.search('bulk', query, 5);
          const want = await reference.search('bulk', query, 5);
          assert.equal(got.length, 5);
          for (let i = 1; i < got.length; i++) assert.ok((got[i - 1]?.score ?? 0) >= (got[i]?.score ?? 0));
          const wantIds = new Set(want.map((m) => m.id));
          agreed += got.filter((m) => wantIds.has(m.id)).length;
          // The best match's score is exact whichever index found it.
          if (got[0]?.id === want[0]?.id) assert.ok(Math.abs((got[0]?.score ?? 0) - (want[0]?.score ?? 0)) < 1e-4);
        }
        // Exact backends agree fully; an approximate one (HNSW) must still find ≥ 95% of the true top 5.
        assert.ok(agreed >= 95, `recall ${agreed}/100`);
      });
    });
  });
}
