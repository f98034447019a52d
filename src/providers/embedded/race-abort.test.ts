import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ABORTED, AbortRace, raceAbort } from './race-abort.js';

const never = new Promise<number>(() => undefined);

test('raceAbort settles with the promise, or with ABORTED when the signal fires first', async () => {
  const controller = new AbortController();
  assert.equal(await raceAbort(Promise.resolve(1), controller.signal), 1);
  const waiting = raceAbort(never, controller.signal);
  controller.abort();
  assert.equal(await waiting, ABORTED);
  assert.equal(await raceAbort(Promise.resolve(2), controller.signal), ABORTED);
});

test('AbortRace: many steps on one listener; an abort mid-step answers ABORTED at once; errors pass through', async () => {
  const controller = new AbortController();
  const race = new AbortRace(controller.signal);
  for (let i = 0; i < 1000; i++) assert.equal(await race.race(Promise.resolve(i)), i);
  await assert.rejects(race.race(Promise.reject(new Error('step failed'))), /step failed/);
  const waiting = race.race(never);
  controller.abort();
  assert.equal(await waiting, ABORTED);
  assert.equal(await race.race(Promise.resolve(3)), ABORTED, 'an aborted signal answers every later step');
  race.dispose();
});

test('AbortRace.dispose removes its listener: a later abort settles nothing', async () => {
  const controller = new AbortController();
  const race = new AbortRace(controller.signal);
  const step = race.race(new Promise<number>((resolve) => setTimeout(() => resolve(7), 20)));
  race.dispose();
  controller.abort();
  assert.equal(await step, 7);
});
