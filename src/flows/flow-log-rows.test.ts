process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogsTable } from '../cli/logs-command.js';
import { makeStep } from '../store/flow-steps.contract.js';
import { makeRecord } from '../store/request-log.contract.js';

test('tandem logs draws a flow as its parent row with one indented row per step', () => {
  const parent = makeRecord({ id: 'req-flow-1', route: 'support', model: 'qwen-small', reason: 'flow triage-act: triage -> refund', cost: 0.0006 });
  const other = makeRecord({ id: 'req-plain', route: 'chat' });
  const steps = new Map([
    [
      'req-flow-1',
      [makeStep(), makeStep({ index: 1, step: 'action:refund', model: 'qwen-small', cost: 0, startMs: 250.4, privacy: 'local-only', status: 'ok' })],
    ],
  ]);
  const lines = formatLogsTable([parent, other], { currency: 'USD', steps }).split('\n');
  const at = lines.findIndex((l) => l.includes('req-flow-1'));
  assert.ok(at > 0);
  assert.match(lines[at + 1] ?? '', /├ triage\s+\+2 ms\s+gpt-large\s+120\s+30\s+0\.000600\s+240\s+240\s+ok/);
  assert.match(lines[at + 2] ?? '', /└ action:refund\s+\+250 ms\s+qwen-small\s+privacy: local-only\s+~?120/);
  assert.match(lines[at + 3] ?? '', /req-plain/, 'a request without steps has no rows under it');
});
