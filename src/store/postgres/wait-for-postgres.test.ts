import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_BACKOFF_MS, waitForPostgres } from './wait-for-postgres.js';

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });

test('an unreachable database is retried with doubling, capped waits and one line per try', async () => {
  const lines: string[] = [];
  const waits: number[] = [];
  let tries = 0;
  const opened = await waitForPostgres({
    database: 'db.internal:5432/tandem',
    attempts: 0,
    maxBackoffMs: 3_000,
    log: (line) => lines.push(line),
    sleep: async (ms) => void waits.push(ms),
    open: async () => {
      if (++tries < 6) throw refused();
      return 'store';
    },
  });
  assert.equal(opened, 'store');
  assert.equal(lines.length, 6);
  assert.match(
    lines[0] ?? '',
    /^tandem: waiting for PostgreSQL at db\.internal:5432\/tandem: try 1 failed \(connect ECONNREFUSED 10\.0\.0\.5:5432\); next try in \d+\.\d s$/,
  );
  assert.match(lines[5] ?? '', /is reachable \(try 6\)/);
  const nominal = [1, 2, 4, 8, 16].map((f) => Math.min(3_000, FIRST_BACKOFF_MS * f));
  for (const [i, ms] of waits.entries()) assert.ok(ms >= nominal[i]! * 0.8 && ms <= nominal[i]! * 1.2, `wait ${i}: ${ms}`);
});

test('gives up after `attempts` tries, and does not retry what is not an outage', async () => {
  await assert.rejects(
    waitForPostgres({
      database: 'd',
      attempts: 3,
      maxBackoffMs: 1,
      log: () => undefined,
      sleep: async () => undefined,
      open: async () => Promise.reject(refused()),
    }),
    /still unreachable after 3 tries/,
  );
  let tries = 0;
  const migration = Object.assign(new Error('store migration 006 failed: syntax error'), { code: '42601' });
  await assert.rejects(
    waitForPostgres({
      database: 'd',
      attempts: 0,
      maxBackoffMs: 1,
      log: () => undefined,
      sleep: async () => undefined,
      open: async () => {
        tries++;
        throw migration;
      },
    }),
    /syntax error/,
  );
  assert.equal(tries, 1);
});
