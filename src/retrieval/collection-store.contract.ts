/**
 * The behaviour every CollectionStore backend must have. A backend's test file calls
 * runCollectionStoreContract once per way of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CollectionConflict, type CollectionSettings, type CollectionStore, type NewChunk } from './collection-store.js';

export type OpenCollectionStore = () => Promise<{ collections: CollectionStore; close(): Promise<void> }>;

const settings = (overrides: Partial<CollectionSettings> = {}): CollectionSettings => ({
  name: 'handbook',
  private: false,
  embedder: 'lexical-v1',
  dimensions: 256,
  time: 1_000,
  ...overrides,
});

const chunk = (id: string, ordinal: number, text: string): NewChunk => ({ id, ordinal, start: ordinal * 10, end: ordinal * 10 + text.length, text });

export function runCollectionStoreContract(name: string, open: OpenCollectionStore): void {
  async function withStore(body: (store: CollectionStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.collections);
    } finally {
      await opened.close();
    }
  }

  describe(`CollectionStore contract: ${name}`, () => {
    test('creates a collection once; a second ensure returns it unchanged', async () => {
      await withStore(async (store) => {
        const created = await store.ensureCollection(settings());
        assert.deepEqual(created, {
          name: 'handbook',
          private: false,
          embedder: 'lexical-v1',
          dimensions: 256,
          embedderState: null,
          createdAt: 1_000,
          updatedAt: 1_000,
          documents: 0,
          chunks: 0,
        });
        const again = await store.ensureCollection(settings({ time: 2_000 }));
        assert.equal(again.createdAt, 1_000);
        assert.deepEqual(await store.collection('handbook'), created);
        assert.equal(await store.collection('missing'), undefined);
        const { documents: _d, chunks: _c, ...withoutCounts } = created;
        assert.deepEqual(await store.collectionSettings('handbook'), withoutCounts);
        assert.equal(await store.collectionSettings('missing'), undefined);
      });
    });

    test('private can be set later but never cleared by an ingest', async () => {
      await withStore(async (store) => {
        await store.ensureCollection(settings());
        assert.equal((await store.ensureCollection(settings({ private: true, time: 5 }))).private, true);
        assert.equal((await store.ensureCollection(settings({ private: false }))).private, true);
        assert.equal((await store.collection('handbook'))?.private, true);
      });
    });

    test('another embedder or dimension is a conflict', async () => {
      await withStore(async (store) => {
        await store.ensureCollection(settings());
        await assert.rejects(store.ensureCollection(settings({ embedder: 'model:nomic' })), CollectionConflict);
        await assert.rejects(store.ensureCollection(settings({ dimensions: 128 })), /embedded with lexical-v1 \(256 dimensions\)/);
      });
    });

    test('replacing a document swaps its chunks and reports the ones removed', async () => {
      await withStore(async (store) => {
        await store.ensureCollection(settings());
        await store.ensureCollection(settings({ name: 'other' }));
        assert.deepEqual(
          await store.replaceDocument({ collection: 'handbook', source: 'a.md', hash: 'h1', time: 10 }, [chunk('a1', 0, 'one'), chunk('a2', 1, 'two')]),
          [],
        );
        await store.replaceDocument({ collection: 'handbook', source: 'b.md', hash: 'hb', time: 11 }, [chunk('b1', 0, 'bee')]);
        await store.replaceDocument({ collection: 'other', source: 'a.md', hash: 'h1', time: 11 }, [chunk('o1', 0, 'other one')]);
        assert.deepEqual(await store.document('handbook', 'a.md'), { collection: 'handbook', source: 'a.md', hash: 'h1', chunks: 2, ingestedAt: 10 });
        const removed = await store.replaceDocument({ collection: 'handbook', source: 'a.md', hash: 'h2', time: 20 }, [
          chunk('a3', 0, 'three'),
          chunk('a2', 1, 'two'),
        ]);
        assert.deepEqual(removed, ['a1']);
        assert.equal((await store.document('handbook', 'a.md'))?.hash, 'h2');
        assert.deepEqual(
          (await store.chunks('handbook', ['b1', 'a1', 'a3', 'o1', 'a2'])).map((c) => [c.id, c.source, c.ordinal, c.text]),
          [
            ['b1', 'b.md', 0, 'bee'],
            ['a3', 'a.md', 0, 'three'],
            ['a2', 'a.md', 1, 'two'],
          ],
        );
        const [first] = await store.chunks('handbook', ['a3']);
        assert.deepEqual([first?.start, first?.end, first?.collection], [0, 5, 'handbook']);
        const info = await store.collection('handbook');
        assert.deepEqual([info?.documents, info?.chunks, info?.updatedAt], [2, 3, 20]);
        assert.equal(await store.document('handbook', 'missing.md'), undefined);
      });
    });

    test('keeps the embedder state an ingest saves', async () => {
      await withStore(async (store) => {
        await store.ensureCollection(settings());
        const state = JSON.stringify({ docs: 3, counts: 'AAAA'.repeat(400) });
        await store.saveEmbedderState('handbook', state, 7);
        const info = await store.collection('handbook');
        assert.deepEqual([info?.embedderState, info?.updatedAt], [state, 7]);
        assert.equal((await store.collections())[0]?.embedderState, state);
        await assert.rejects(store.saveEmbedderState('missing', state, 8), /does not exist/);
      });
    });

    test('a document needs its collection', async () => {
      await withStore(async (store) => {
        await assert.rejects(store.replaceDocument({ collection: 'nope', source: 'a', hash: 'h', time: 1 }, [chunk('x', 0, 'x')]), /does not exist/);
      });
    });

    test('long and unusual texts round-trip exactly', async () => {
      await withStore(async (store) => {
        await store.ensureCollection(settings());
        const text = `${'ü€ 😀 '.repeat(2000)}\n"quoted" 'single' \\ end`;
        await store.replaceDocument({ collection: 'handbook', source: 'dir/ünï code.txt', hash: 'h', time: 1 }, [chunk('u', 0, text)]);
        const [back] = await store.chunks('handbook', ['u']);
        assert.equal(back?.text, text);
        assert.equal(back?.source, 'dir/ünï code.txt');
      });
    });

    test('lists collections by name with counts, and deletes one with everything in it', async () => {
      await withStore(async (store) => {
        await store.ensureCollection(settings({ name: 'zeta', private: true }));
        await store.ensureCollection(settings({ name: 'alpha' }));
        await store.replaceDocument({ collection: 'zeta', source: 's', hash: 'h', time: 3 }, [chunk('z1', 0, 'z'), chunk('z2', 1, 'zz')]);
        assert.deepEqual(
          (await store.collections()).map((c) => [c.name, c.private, c.documents, c.chunks]),
          [
            ['alpha', false, 0, 0],
            ['zeta', true, 1, 2],
          ],
        );
        assert.equal(await store.deleteCollection('zeta'), true);
        assert.equal(await store.deleteCollection('zeta'), false);
        assert.deepEqual(await store.chunks('zeta', ['z1']), []);
        assert.equal(await store.document('zeta', 's'), undefined);
        // A collection made again under the same name starts empty.
        await store.ensureCollection(settings({ name: 'zeta' }));
        assert.deepEqual([(await store.collection('zeta'))?.private, (await store.collection('zeta'))?.chunks], [false, 0]);
      });
    });
  });
}
