import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeOutcome, type OutcomeInput } from './route-outcome.js';

const ok = (model: string, durationMs = 5) => ({ model, error: null, durationMs });
const failed = (model: string, error = 'http 503: overloaded') => ({ model, error, durationMs: 5 });
const record = (r: Partial<OutcomeInput>): OutcomeInput => ({ reason: '', model: null, attempts: [], status: 200, error: null, ...r });

test('planned and answered: the plan as it is, ending with the model', () => {
  const out = routeOutcome(record({ reason: 'heuristic score 0.210 < 0.500 -> small', model: 'small', attempts: [ok('small')] }));
  assert.deepEqual(out, { text: 'heuristic score 0.210 < 0.500 -> small', fellBack: false, failedAttempts: 0 });
});

test('a fallback ends with the model that answered, and is marked', () => {
  const out = routeOutcome(
    record({ reason: 'heuristic score 0.210 < 0.500 -> small', model: 'large', attempts: [failed('small'), failed('small'), ok('large')] }),
  );
  assert.equal(out.text, 'heuristic score 0.210 < 0.500 -> small; fell back -> large');
  assert.equal(out.fellBack, true);
  assert.equal(out.failedAttempts, 2);
});

test('retries of the same model, a cascade escalation, and a plan that does not name the model', () => {
  assert.equal(
    routeOutcome(record({ reason: 'fixed -> large', model: 'large', attempts: [failed('large'), failed('large'), ok('large')] })).text,
    'fixed -> large; answered by large after 2 retries',
  );
  const cascade = routeOutcome(
    record({
      reason: 'cascade small -> verify >= 0.50 else large',
      model: 'large',
      attempts: [failed('small', 'answer rejected by verifier (0.2 < 0.5)'), ok('large')],
    }),
  );
  assert.equal(cascade.text, 'cascade small -> verify >= 0.50 else large; escalated -> large');
  assert.equal(
    routeOutcome(record({ reason: 'cascade small -> verify >= 0.50 else large', model: 'small', attempts: [ok('small')] })).text,
    'cascade small -> verify >= 0.50 else large; answered by small',
  );
});

test('an error row says what failed, with or without a plan', () => {
  assert.equal(
    routeOutcome(record({ status: 404, error: 'The model "gpt-nope" does not exist.' })).text,
    'not routed: failed (404): The model "gpt-nope" does not exist.',
  );
  const all = routeOutcome(
    record({ reason: 'fixed -> large', status: 503, error: 'All candidate models failed: large: refused', attempts: [failed('large')] }),
  );
  assert.equal(all.text, 'fixed -> large; failed (503): All candidate models failed: large: refused');
});
