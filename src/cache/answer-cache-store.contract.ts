/**
 * The behaviour every AnswerCacheStore backend must have (memory, the store's SQL table on SQLite and
 * PostgreSQL, Redis). A backend's test file calls runAnswerCacheStoreContract once per way of opening a
 * fresh, empty cache.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnswerCacheStore } from './answer-cache-store.js';

export type OpenAnswerCacheStore = () => Promise<{ cache: AnswerCacheStore; close(): Promise<void> }>;

const BIG = { maxEntries: 1_000, maxBytes: 1_000_000 };

export function runAnswerCacheStoreContract(name: string, open: OpenAnswerCacheStore): void {
  async function withCache(body: (cache: AnswerCacheStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.cache);
    } finally {
      await opened.close();
    }
  }

  describe(`AnswerCacheStore contract: ${name}`, () => {
    test('stores and reads an entry by scope and key; a put replaces', async () => {
      await withCache(async (cache) => {
        const now = Date.now();
        await cache.put({ scope: 'r\u0001key-a', key: 'k1', value: '{"a":1}', expiresAt: now + 60_000 }, 'r\u0001', BIG, now);
        assert.equal(await cache.get('r\u0001key-a', 'k1', now), '{"a":1}');
        assert.equal(await cache.get('r\u0001key-b', 'k1', now), undefined, 'another scope sees nothing');
        assert.equal(await cache.get('r\u0001key-a', 'k2', now), undefined);
        await cache.put({ scope: 'r\u0001key-a', key: 'k1', value: '{"a":2}', expiresAt: now + 60_000 }, 'r\u0001', BIG, now + 1);
        assert.equal(await cache.get('r\u0001key-a', 'k1', now + 2), '{"a":2}');
        assert.equal(await cache.count('r\u0001'), 1);
      });
    });

    test('an entry is gone once expired', async () => {
      await withCache(async (cache) => {
        const now = Date.now();
        await cache.put({ scope: 'r\u0001-', key: 'k', value: 'v', expiresAt: now + 150 }, 'r\u0001', BIG, now);
        assert.equal(await cache.get('r\u0001-', 'k', now), 'v');
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(await cache.get('r\u0001-', 'k', Date.now()), undefined);
      });
    });

    test('the oldest entries of a route go beyond max_entries and max_bytes; other routes are untouched', async () => {
      await withCache(async (cache) => {
        const now = Date.now();
        await cache.put({ scope: 'other\u0001-', key: 'keep', value: 'x', expiresAt: now + 60_000 }, 'other\u0001', BIG, now);
        const evicted: string[] = [];
        for (let i = 0; i < 8; i++) {
          const out = await cache.put(
            { scope: `r\u0001${i % 2}`, key: `k${i}`, value: `value-${i}`, expiresAt: now + 60_000 },
            'r\u0001',
            { maxEntries: 3, maxBytes: 1_000_000 },
            now + i,
          );
          evicted.push(...out.map((e) => e.key));
        }
        assert.equal(await cache.count('r\u0001'), 3);
        assert.deepEqual(evicted.sort(), ['k0', 'k1', 'k2', 'k3', 'k4']);
        assert.equal(await cache.get('r\u00011', 'k7', now + 9), 'value-7');
        assert.equal(await cache.get('r\u00010', 'k0', now + 9), undefined);
        assert.equal(await cache.get('other\u0001-', 'keep', now + 9), 'x');
        // By bytes: entries of 100 characters under a bound that fits two (memory counts UTF-16 bytes, so 400).
        for (let i = 0; i < 5; i++)
          await cache.put(
            { scope: 'b\u0001-', key: `b${i}`, value: 'y'.repeat(100), expiresAt: now + 60_000 },
            'b\u0001',
            { maxEntries: 100, maxBytes: 450 },
            now + i,
          );
        const kept = await cache.count('b\u0001');
        assert.ok(kept >= 2 && kept <= 4, `kept ${kept}`);
        assert.equal(await cache.get('b\u0001-', 'b4', now + 9), 'y'.repeat(100));
        assert.equal(await cache.get('b\u0001-', 'b0', now + 9), undefined);
      });
    });
  });
}
