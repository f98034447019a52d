import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openSpoolJournal } from './spool-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-spool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('entries survive reopening, come back in append order, and leave once removed or set aside', async () => {
  const path = join(dir, 'a', 'spool.db');
  const first = openSpoolJournal({ path });
  // Appended in one turn: one transaction.
  await Promise.all([1, 2, 3, 4].map((i) => first.append({ kind: i % 2 ? 'request' : 'audit', body: JSON.stringify({ i }) })));
  first.close();

  const spool = openSpoolJournal({ path });
  try {
    const entries = spool.peek(10);
    assert.deepEqual(
      entries.map((e) => JSON.parse(e.body) as { i: number }),
      [{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }],
    );
    assert.deepEqual(
      entries.map((e) => e.kind),
      ['request', 'audit', 'request', 'audit'],
    );
    assert.equal(spool.peek(2).length, 2);
    spool.reject(entries[1]!, 'refused');
    spool.remove([entries[0]!.seq]);
    assert.deepEqual(
      spool.peek(10).map((e) => e.seq),
      [entries[2]!.seq, entries[3]!.seq],
    );
    assert.equal(spool.count(), 2);
  } finally {
    spool.close();
  }
});

test("two journals on one file (replicas sharing a directory) see each other's entries", async () => {
  const path = join(dir, 'shared.db');
  const a = openSpoolJournal({ path });
  const b = openSpoolJournal({ path });
  try {
    await Promise.all([a.append({ kind: 'request', body: '"a"' }), b.append({ kind: 'request', body: '"b"' })]);
    assert.equal(a.count(), 2);
    b.remove(b.peek(10).map((e) => e.seq));
    assert.equal(a.count(), 0);
  } finally {
    a.close();
    b.close();
  }
});

test('an append after close rejects instead of pretending to be durable', async () => {
  const spool = openSpoolJournal({ path: join(dir, 'closed.db') });
  spool.close();
  await assert.rejects(spool.append({ kind: 'request', body: '{}' }), /closed/);
});
