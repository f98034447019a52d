import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../../spec/errors.js';
import { openSpoolJournal } from '../spool-journal.js';
import { PostgresOutageGuard, type SpoolKind } from './postgres-outage-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A stand-in database: `down` refuses everything; `table` is what was committed, in order. */
function fakeDatabase() {
  const db = { down: false, table: [] as string[], replays: 0 };
  return {
    db,
    commit: (body: string) => async () => {
      if (db.down) throw refused();
      db.table.push(body);
    },
    probe: async () => {
      if (db.down) throw refused();
    },
    replay: async (_kind: SpoolKind, bodies: readonly string[]) => {
      if (db.down) throw refused();
      db.replays++;
      for (const b of bodies) if (!db.table.includes(b)) db.table.push(b);
      return bodies.map(() => undefined);
    },
  };
}

test('during an outage writes go to the spool, /readyz is down, and recovery replays them in order before ready', async () => {
  const fake = fakeDatabase();
  const spool = openSpoolJournal({ path: join(dir, 'a.db') });
  const lines: string[] = [];
  const guard = new PostgresOutageGuard({
    probe: fake.probe,
    replay: fake.replay,
    spool,
    commitTimeoutMs: 200,
    healthCheckIntervalMs: 50,
    database: 'db:5432/t',
    log: (l) => lines.push(l),
  });
  guard.start();
  try {
    const write = (body: string) => guard.write(() => ({ kind: 'request', body }), fake.commit(body));
    await write('r1');
    fake.db.down = true;
    await write('r2');
    assert.equal(guard.ready, false);
    assert.equal(guard.accepting, true);
    await write('r3');
    assert.deepEqual(
      spool.peek(10).map((e) => e.body),
      ['r2', 'r3'],
    );
    fake.db.down = false;
    for (let i = 0; i < 100 && !guard.ready; i++) await sleep(20);
    assert.equal(guard.ready, true);
    assert.deepEqual(fake.db.table, ['r1', 'r2', 'r3']);
    assert.equal(spool.count(), 0);
    assert.match(lines.join('\n'), /unavailable \(connect ECONNREFUSED[^)]*\); answers are kept in/);
    assert.match(lines.join('\n'), /is back after \d+\.\d s; replayed 2 spooled entries/);
  } finally {
    await guard.close();
    spool.close();
  }
});

test('a commit slower than commit_timeout_ms is spooled; a late commit and the replay do not make two rows', async () => {
  const fake = fakeDatabase();
  const spool = openSpoolJournal({ path: join(dir, 'b.db') });
  const guard = new PostgresOutageGuard({
    probe: fake.probe,
    replay: fake.replay,
    spool,
    commitTimeoutMs: 50,
    healthCheckIntervalMs: 50,
    database: 'd',
    log: () => undefined,
  });
  assert.equal(guard.ready, true);
  guard.start();
  try {
    const started = performance.now();
    await guard.write(
      () => ({ kind: 'request', body: 'slow' }),
      async () => {
        await sleep(600);
        // As the writer's INSERT … ON CONFLICT (id) DO NOTHING: a row the replay wrote first is skipped.
        if (!fake.db.table.includes('slow')) fake.db.table.push('slow');
      },
    );
    assert.ok(performance.now() - started < 450, 'the answer did not wait for the slow commit');
    assert.equal(guard.ready, false, 'a commit timeout counts as an outage');
    assert.deepEqual(
      spool.peek(10).map((e) => e.body),
      ['slow'],
    );
    for (let i = 0; i < 100 && !guard.ready; i++) await sleep(20);
    await sleep(700);
    assert.deepEqual(fake.db.table, ['slow']);
  } finally {
    await guard.close();
    spool.close();
  }
});

test('a refusal that is not an outage reaches the caller; with no spool an outage is a 503 store_unavailable', async () => {
  const fake = fakeDatabase();
  const guard = new PostgresOutageGuard({
    probe: fake.probe,
    replay: fake.replay,
    spool: null,
    commitTimeoutMs: 100,
    healthCheckIntervalMs: 1_000,
    database: 'd',
    log: () => undefined,
  });
  try {
    const duplicate = Object.assign(new Error('duplicate key value'), { code: '23505' });
    await assert.rejects(
      guard.write(
        () => ({ kind: 'audit', body: '[]' }),
        () => Promise.reject(duplicate),
      ),
      /duplicate key/,
    );
    assert.equal(guard.ready, true);
    fake.db.down = true;
    await assert.rejects(
      guard.write(() => ({ kind: 'request', body: 'x' }), fake.commit('x')),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 503);
        assert.equal(error.code, 'store_unavailable');
        return true;
      },
    );
    assert.equal(guard.accepting, false);
  } finally {
    await guard.close();
  }
});
