/**
 * The shorter run of bench/kill-under-load.ts: the real server on SQLite, SIGKILLed while openai clients
 * (streamed and not) are mid-load; every answer a client received whole must have its request-log row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killUnderLoad } from '../bench/kill-under-load.js';

test('SIGKILL under load: every answer a client received has its row in the SQLite log', async () => {
  const result = await killUnderLoad({ concurrency: 8, killAfter: 40 });
  assert.ok(result.received >= 40, `received ${result.received}`);
  assert.ok(result.receivedStreamed > 0 && result.receivedStreamed < result.received, 'both streamed and whole answers');
  assert.deepEqual(result.missing, []);
  assert.ok(result.rows >= result.received);
});
