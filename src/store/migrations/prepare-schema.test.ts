/** store.migrate's three modes on a real SQLite file; PostgreSQL's `wait` is in cli/migrate-command.test.ts. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrations } from './migrate-to-latest.js';
import { applyPendingMigrations, prepareSchema, schemaStatus } from './prepare-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-prepare-schema-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const all = Object.keys(migrations).sort();

let n = 0;
function open(path = join(dir, `db-${++n}.sqlite`)): { db: Kysely<unknown>; path: string } {
  return { db: new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(path) }) }), path };
}

test('auto applies every pending migration; skip only warns; a current schema is left alone by both', async () => {
  const { db } = open();
  const lines: string[] = [];
  await prepareSchema(db, { mode: 'skip', log: (l) => lines.push(l) });
  assert.equal((await schemaStatus(db)).applied.length, 0);
  assert.match(lines[0] ?? '', /lacks migrations 001-create-requests, .*run `tandem migrate`/);
  await prepareSchema(db, { mode: 'auto' });
  assert.deepEqual(await schemaStatus(db), { applied: all, pending: [] });
  await prepareSchema(db, { mode: 'skip', log: (l) => lines.push(l) });
  assert.equal(lines.length, 1);
  await db.destroy();
});

test('wait returns only once another connection has applied the migrations, and says what it waits for', async () => {
  const server = open();
  const lines: string[] = [];
  let ready = false;
  const waiting = prepareSchema(server.db, { mode: 'wait', pollMs: 50, log: (l) => lines.push(l) }).then(() => (ready = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ready, false);
  assert.match(lines[0] ?? '', /waiting for `tandem migrate` to apply 001-create-requests/);
  const job = open(server.path);
  const applied: string[] = [];
  await applyPendingMigrations(job.db, { onApplied: (name) => applied.push(name) });
  assert.deepEqual(applied, all);
  await waiting;
  assert.match(lines.at(-1) ?? '', /schema is up to date after \d+\.\d s; starting/);
  await job.db.destroy();
  await server.db.destroy();
});

test('wait gives up when its signal aborts', async () => {
  const { db } = open();
  const controller = new AbortController();
  const waiting = prepareSchema(db, { mode: 'wait', pollMs: 20, log: () => {}, signal: controller.signal });
  controller.abort(new Error('shutting down'));
  await assert.rejects(waiting, /shutting down/);
  await db.destroy();
});
