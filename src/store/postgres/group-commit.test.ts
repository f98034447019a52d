import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGroupCommit } from './group-commit.js';

/** A write that parks until released, recording each batch it was given. */
function parkedWriter() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  let maxConcurrent = 0;
  let concurrent = 0;
  return {
    batches,
    get maxConcurrent() {
      return maxConcurrent;
    },
    releaseAll(): void {
      for (const release of releases.splice(0)) release();
    },
    async write(batch: readonly number[]): Promise<Array<Error | undefined>> {
      batches.push([...batch]);
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise<void>((resolve) => releases.push(resolve));
      concurrent -= 1;
      return batch.map((n) => (n < 0 ? new Error(`negative ${n}`) : undefined));
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

test('appends made while writes are in flight share the next write; each settles with its own outcome', async () => {
  const writer = parkedWriter();
  const commit = createGroupCommit<number>({ write: (b) => writer.write(b), maxInFlight: 1, maxBatch: 100 });
  const first = commit.submit(1);
  await until(() => writer.batches.length === 1);
  const later = [2, -3, 4, 5].map((n) => commit.submit(n));
  assert.equal(commit.pending, 5);
  writer.releaseAll();
  await first;
  await until(() => writer.batches.length === 2);
  writer.releaseAll();
  const settled = await Promise.allSettled(later);
  assert.deepEqual(writer.batches, [[1], [2, -3, 4, 5]]);
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  assert.equal(commit.pending, 0);
});

test('batches respect maxBatch and maxInFlight, and drain waits for every write', async () => {
  const writer = parkedWriter();
  const commit = createGroupCommit<number>({ write: (b) => writer.write(b), maxInFlight: 2, maxBatch: 3 });
  const all = Array.from({ length: 10 }, (_, i) => commit.submit(i));
  let drained = false;
  const drain = commit.drain().then(() => (drained = true));
  while (writer.batches.flat().length < 10) {
    await until(() => writer.batches.length > 0);
    writer.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
  }
  writer.releaseAll();
  await Promise.all(all);
  await drain;
  assert.ok(drained);
  assert.ok(writer.batches.every((b) => b.length <= 3));
  assert.ok(writer.maxConcurrent <= 2);
  assert.deepEqual(
    writer.batches.flat(),
    Array.from({ length: 10 }, (_, i) => i),
  );
});

test('a write that throws fails its whole batch and the next batch still runs', async () => {
  let calls = 0;
  const commit = createGroupCommit<number>({
    async write(batch) {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
      return batch.map(() => undefined);
    },
  });
  const failed = [commit.submit(1), commit.submit(2)];
  for (const p of failed) await assert.rejects(p, /connection lost/);
  await commit.submit(3);
  await commit.drain();
});
