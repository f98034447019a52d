/** `tandem migrate` on SQLite and PostgreSQL, and servers that wait for it (`store.migrate: wait`). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { Kysely } from 'kysely';
import pg from 'pg';
import { configSchema } from '../config/schema.js';
import { createMigrator, migrations } from '../store/migrations/migrate-to-latest.js';
import { openStore } from '../store/open-store.js';
import { TEST_DATABASE_URL, testSchemas } from '../store/postgres/postgres-test-database.js';
import { SchemaScopedPostgresDialect } from '../store/postgres/schema-scoped-dialect.js';
import type { CliDeps } from './cli-deps.js';
import { registerMigrateCommand } from './migrate-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-migrate-'));
const schemas = testSchemas();
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});
afterEach(() => {
  process.exitCode = 0;
});

const names = Object.keys(migrations).sort();
let n = 0;
function configFile(store: string): string {
  const sub = join(dir, `case-${++n}`);
  mkdirSync(sub, { recursive: true });
  const path = join(sub, 'tandem.yaml');
  writeFileSync(path, `store: ${store}\nmodels:\n  small: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", model: m, locality: local }\n`);
  return path;
}

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const deps: CliDeps = { loadConfig: () => Promise.reject(new Error('unused')), stdout: (s) => (out += s), stderr: (s) => (err += s) };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: () => {} });
  registerMigrateCommand(program, deps);
  process.exitCode = 0;
  await program.parseAsync(['node', 'tandem', 'migrate', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

test('SQLite: applies every migration once, printing each; a second run has nothing to do; --status lists them', async () => {
  const config = configFile('{ type: sqlite, path: tandem.db }');
  const pending = await run(['--config', config, '--status', '--json']);
  assert.deepEqual((JSON.parse(pending.out) as { pending: string[] }).pending, names);
  const first = await run(['--config', config]);
  assert.equal(first.code, 0, first.err);
  for (const name of names) assert.match(first.out, new RegExp(`applied ${name} in \\d+\\.\\d s`));
  assert.match(first.out, new RegExp(`up to date \\(${names.length} migrations applied, ${names.length} now\\)`));
  const second = await run(['--config', config]);
  assert.match(second.out, /up to date, nothing to do/);
  const status = await run(['--config', config, '--status']);
  assert.match(status.out, /nothing pending/);
});

test('a failing migration exits 1 and names it', async () => {
  const config = configFile('{ type: sqlite, path: broken.db }');
  // A table 001 needs to create, taken by something else: its index creation fails.
  const raw = new Database(join(dir, `case-${n}`, 'broken.db'));
  raw.exec('create table requests (unrelated text)');
  raw.close();
  const result = await run(['--config', config]);
  assert.equal(result.code, 1);
  assert.match(result.err, /tandem migrate: SQLite .*broken\.db: migration 001-create-requests failed/);
});

test('PostgreSQL: a server with store.migrate: wait starts only once `tandem migrate` has run', async () => {
  const schema = schemas.create();
  const storeConfig = { type: 'postgres' as const, url: TEST_DATABASE_URL, schema, pool_size: 2, log_bodies: false, migrate: 'wait' as const };
  const logged: string[] = [];
  const originalError = console.error;
  console.error = (line: unknown) => void logged.push(String(line));
  let opened = false;
  const opening = openStore(configSchema.parse({ store: storeConfig, models: {} }).store, dir).then((store) => {
    opened = true;
    return store;
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(opened, false, 'the server must not start on an unmigrated schema');
    assert.ok(
      logged.some((l) => /waiting for `tandem migrate` to apply 001-create-requests/.test(l)),
      logged.join('\n'),
    );

    const config = configFile(`{ type: postgres, url: "${TEST_DATABASE_URL}", schema: ${schema} }`);
    const migrated = await run(['--config', config]);
    assert.equal(migrated.code, 0, migrated.err);
    assert.match(migrated.out, new RegExp(`PostgreSQL 127\\.0\\.0\\.1:5432/test schema ${schema}: up to date`));
    const store = await opening;
    try {
      assert.deepEqual(await store.requestLog.recent({ limit: 1 }), []);
    } finally {
      await store.close();
    }
    assert.ok(logged.some((l) => /schema is up to date after/.test(l)));
  } finally {
    console.error = originalError;
  }
});

test('a schema a newer release migrated further (a rollback) is up to date for this build, not corrupt', async () => {
  const config = configFile('{ type: sqlite, path: newer.db }');
  assert.equal((await run(['--config', config])).code, 0);
  const path = join(dir, `case-${n}`, 'newer.db');
  const raw = new Database(path);
  raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('999-from-a-newer-release', new Date().toISOString());
  raw.close();
  const again = await run(['--config', config]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /up to date, nothing to do/);
  const store = await openStore({ type: 'sqlite', path, log_bodies: false }, dir);
  await store.close();
});

/** A schema as a release before 007 left it. */
async function schemaAt006(): Promise<string> {
  const schema = schemas.create();
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
  await pool.query(`create schema ${schema}`);
  const db = new Kysely<unknown>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  const { error } = await createMigrator(db, { schema }).migrateTo('006-requests-hourly-rollup');
  await db.destroy();
  if (error !== undefined) throw error;
  return schema;
}

/**
 * A reader holds requests_hourly for `holdMs` (a long dashboard query) while `tandem migrate` applies 007,
 * whose ALTER needs that table exclusively; meanwhile an old replica inserts a row. Returns how long the
 * insert took and what migrate said.
 */
async function insertDuringMigrate(lockTimeout: number, holdMs: number): Promise<{ insertMs: number; result: Awaited<ReturnType<typeof run>> }> {
  const schema = await schemaAt006();
  const client = () => new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  const reader = client();
  const writer = client();
  await Promise.all([reader.connect(), writer.connect()]);
  try {
    await reader.query('begin');
    await reader.query('select count(*) from requests_hourly');
    const config = configFile(`{ type: postgres, url: "${TEST_DATABASE_URL}", schema: ${schema} }`);
    const migrating = run(['--config', config, '--lock-timeout', String(lockTimeout)]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const started = performance.now();
    const release = setTimeout(() => void reader.query('commit'), holdMs);
    await writer.query(
      `insert into requests (id, time, requested_model, candidates, reason, attempts, stream, input_tokens, output_tokens,
         tokens_estimated, cost, baseline_cost, total_ms, overhead_ms, status)
       values ('live-1', $1, 'm', '[]', 'r', '[]', 0, 1, 1, 0, 0, 0, 1, 0, 200)`,
      [Date.now()],
    );
    const insertMs = performance.now() - started;
    if (process.env.TANDEM_PRINT_LOCK_WAIT) process.stderr.write(`LOCKWAIT lock-timeout=${lockTimeout} insert=${insertMs.toFixed(0)}ms\n`);
    const result = await migrating;
    clearTimeout(release);
    return { insertMs, result };
  } finally {
    await reader.end();
    await writer.end();
  }
}

test('PostgreSQL: a migration whose ALTER would queue behind a long reader steps back, so writers never queue behind it', async () => {
  const holdMs = 2_500;
  const stepping = await insertDuringMigrate(200, holdMs);
  assert.equal(stepping.result.code, 0, stepping.result.err);
  assert.match(stepping.result.err, /007-dashboard-hourly-rollups waited 200 ms for a lock held by another session; rolled back, retrying \(1\//);
  assert.match(stepping.result.out, /applied 007-dashboard-hourly-rollups/);
  assert.ok(stepping.insertMs < 1_000, `the insert waited ${stepping.insertMs.toFixed(0)} ms`);
  // Without a lock timeout the ALTER queues for the reader, and the insert queues behind the ALTER.
  const queueing = await insertDuringMigrate(0, holdMs);
  assert.equal(queueing.result.code, 0, queueing.result.err);
  assert.ok(queueing.insertMs >= holdMs - 500, `the insert waited only ${queueing.insertMs.toFixed(0)} ms`);
});
