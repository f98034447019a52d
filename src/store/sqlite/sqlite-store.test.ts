import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { makeRecord } from '../request-log.contract.js';
import { killAfterAppends } from '../testing/kill-after-appends.js';
import { migrations } from '../migrations/migrate-to-latest.js';
import { openSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a row whose append resolved survives the process being killed with SIGKILL', async () => {
  const path = join(dir, 'killed.db');
  // The child appends, then idles with the database still open (nothing closed, nothing checkpointed).
  await killAfterAppends({
    storeFile: 'sqlite/sqlite-store.ts',
    openStore: 'openSqliteStore',
    appends: `const store = await openStore({ path: ${JSON.stringify(path)}, logBodies: true });
       for (let i = 0; i < 50; i++) await store.requestLog.append(makeRecord({ id: 'k' + i, time: i }));`,
  });

  const store = await openSqliteStore({ path, logBodies: true });
  try {
    const rows = await store.requestLog.recent({ limit: 100 });
    assert.equal(rows.length, 50);
    assert.deepEqual(await store.requestLog.get('k49'), makeRecord({ id: 'k49', time: 49 }));
  } finally {
    await store.close();
  }
});

test('the database is in WAL mode and reopening records each migration once', async () => {
  const path = join(dir, 'migrated.db');
  for (let i = 0; i < 3; i++) await (await openSqliteStore({ path, logBodies: true })).close();
  const raw = new Database(path, { readonly: true });
  try {
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    const applied = raw.prepare('select name from kysely_migration order by name').all();
    assert.deepEqual(
      applied,
      Object.keys(migrations)
        .sort()
        .map((name) => ({ name })),
    );
    const indexes = raw.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'requests' and sql is not null order by name").all();
    assert.deepEqual(indexes, [{ name: 'requests_model_time_idx' }, { name: 'requests_route_time_idx' }, { name: 'requests_time_idx' }]);
  } finally {
    raw.close();
  }
});

test('append after close rejects instead of silently dropping the row', async () => {
  const store = await openSqliteStore({ path: ':memory:', logBodies: true });
  await store.close();
  await assert.rejects(store.requestLog.append(makeRecord()));
});

test('commitNow commits queued appends without waiting for the end of the loop turn', async () => {
  const store = await openSqliteStore({ path: join(dir, 'commit-now.db'), logBodies: true });
  try {
    // Registered before the append: without commitNow the append would resolve only after this runs
    // (the writer's own setImmediate is queued behind it).
    let turnEnded = false;
    setImmediate(() => {
      turnEnded = true;
    });
    const appended = store.requestLog.append(makeRecord({ id: 'now' }));
    store.commitNow?.();
    await appended;
    assert.equal(turnEnded, false);
    assert.equal((await store.requestLog.get('now'))?.id, 'now');
  } finally {
    await store.close();
  }
});

test('appends checkpoint the WAL every 10,000 pages, not every 1,000', async () => {
  const path = join(dir, 'checkpoint.db');
  const store = await openSqliteStore({ path, logBodies: true });
  try {
    // ~2,000 rows with ~4 KB of bodies each: well over 1,000 WAL pages, well under 10,000.
    const requestBody = 'q'.repeat(2_000);
    const responseBody = 'a'.repeat(2_000);
    for (let batch = 0; batch < 40; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.requestLog.append(makeRecord({ id: `c${batch}-${i}`, requestBody, responseBody }))));
    }
    // With SQLite's default the WAL would have been checkpointed and reused at ~4 MB (1,000 pages).
    assert.ok(statSync(`${path}-wal`).size > 6 * 1024 * 1024, `WAL is ${statSync(`${path}-wal`).size} bytes`);
  } finally {
    await store.close();
  }
});
