/** The registry watch: applies on start and whenever the change counter moves, and logs an outage once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryWatch } from './registry-watch.js';

test('applies at start and when the counter moves, not otherwise; an outage is logged once and recovers', async () => {
  let counter = 0;
  let down = false;
  let applied = 0;
  const lines: string[] = [];
  const watch = new RegistryWatch({
    counter: async () => {
      if (down) throw new Error('connection refused');
      return counter;
    },
    apply: async () => {
      applied++;
      return [`applied ${counter}`];
    },
    intervalMs: 20,
    log: (line) => lines.push(line),
  });
  await watch.start();
  assert.equal(applied, 1);
  await sleep(100);
  assert.equal(applied, 1, 'an unchanged counter applies nothing');
  counter = 5;
  await sleep(100);
  assert.equal(applied, 2);
  down = true;
  counter = 6;
  await sleep(150);
  assert.equal(applied, 2);
  assert.equal(lines.filter((l) => l.includes('reading the registry failed')).length, 1, lines.join('\n'));
  down = false;
  await sleep(100);
  assert.equal(applied, 3, 'the change made during the outage is applied once the registry is readable');
  assert.ok(lines.includes('tandem: registry: reading the registry works again'));
  assert.equal(watch.reloads, 3);
  await watch.stop();
  counter = 7;
  await sleep(100);
  assert.equal(applied, 3, 'a stopped watch polls no more');
});

test('a failing apply is retried at the next poll', async () => {
  let fail = true;
  let applied = 0;
  const watch = new RegistryWatch({
    counter: async () => 1,
    apply: async () => {
      if (fail) throw new Error('bad artifact');
      applied++;
      return [];
    },
    intervalMs: 20,
    log: () => undefined,
  });
  await watch.start();
  assert.equal(applied, 0);
  fail = false;
  await sleep(100);
  assert.equal(applied, 1);
  await watch.stop();
});
