import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditChain } from '../governance/audit-chain.js';
import { memoryAuditLog } from '../store/audit-log-memory.js';
import { AUDITED_PER_ADDRESS_PER_MINUTE, AuthFailureRecorder } from './auth-failure-recorder.js';
import { AuthenticationError } from './authenticate.js';

const SECRET = `tdm_${'s'.repeat(43)}`;

function setup(): {
  recorder: AuthFailureRecorder;
  counted: string[];
  clock: { now: number };
  read: () => Promise<string[]>;
  log: ReturnType<typeof memoryAuditLog>;
} {
  const log = memoryAuditLog();
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0) };
  const counted: string[] = [];
  const recorder = new AuthFailureRecorder({
    audit: new AuditChain({ log, replicaId: 'r1', now: () => clock.now }),
    metrics: { authFailure: (code) => counted.push(code) },
    now: () => clock.now,
  });
  const read = async (): Promise<string[]> => (await log.read({ replicaId: 'r1', limit: 1_000 })).map((r) => r.entry?.reason ?? '');
  return { recorder, counted, clock, read, log };
}

const failure = (address: string, i: number): Parameters<AuthFailureRecorder['record']>[0] => ({
  error: new AuthenticationError({ code: 'invalid_api_key', message: 'Invalid API key.', token: SECRET }),
  requestId: `req-${address}-${i}`,
  time: 0,
  address,
  endpoint: 'POST /v1/chat/completions',
});

test('every 401 is counted; the first few per client address per minute are audited, never with the secret', async () => {
  const { recorder, counted, clock, read, log } = setup();
  for (let i = 0; i < 25; i++) recorder.record(failure('10.0.0.1', i));
  for (let i = 0; i < 3; i++) recorder.record(failure('10.0.0.2', i));
  await recorder.close();
  assert.equal(counted.length, 28);
  let reasons = await read();
  assert.equal(reasons.length, AUDITED_PER_ADDRESS_PER_MINUTE + 3);
  assert.equal(reasons.filter((r) => r.includes('client="10.0.0.1"')).length, AUDITED_PER_ADDRESS_PER_MINUTE);
  assert.equal(reasons[0], 'auth_failure code=invalid_api_key client="10.0.0.1" endpoint="POST /v1/chat/completions" key_prefix="tdm_ssssss"');
  assert.ok(
    reasons.every((r) => !r.includes(SECRET.slice(0, 11))),
    'no more of the secret than its 10-character prefix',
  );
  const records = await log.read({ replicaId: 'r1', limit: 1 });
  assert.equal(records[0]?.entry?.status, 401);
  assert.equal(records[0]?.entry?.requestId, 'req-10.0.0.1-0');

  // The next minute samples afresh.
  clock.now += 60_000;
  for (let i = 0; i < 12; i++) recorder.record(failure('10.0.0.1', 100 + i));
  await recorder.close();
  reasons = await read();
  assert.equal(reasons.length, 2 * AUDITED_PER_ADDRESS_PER_MINUTE + 3);
});

test('without an audit log, failures are still counted', async () => {
  const counted: string[] = [];
  const recorder = new AuthFailureRecorder({ audit: null, metrics: { authFailure: (code) => counted.push(code) } });
  recorder.record(failure('10.0.0.1', 0));
  await recorder.close();
  assert.deepEqual(counted, ['invalid_api_key']);
});
