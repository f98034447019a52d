/**
 * How far concurrent requests can overshoot a budget, end to end (real HTTP, the official client, fake
 * upstreams that misbehave). docs/security.md states the bound these tests hold Tandem to: the spend
 * counted is at most the budget plus `concurrent_requests` times the largest amount one request settled
 * above its reservation; an upstream that honours the max_tokens Tandem sends never settles above it.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { BUDGET, DEFAULT_MAX, drainBudget, RESERVED, type Behaviour, type Run } from './helpers/budget-drain.js';

const CAP = 4;

describe('budget overspend under concurrency', () => {
  const runs = new Map<string, Promise<Run>>();
  const run = (behaviour: Behaviour): Promise<Run> => {
    let pending = runs.get(behaviour);
    if (pending === undefined) runs.set(behaviour, (pending = drainBudget(behaviour, CAP)));
    return pending;
  };
  after(() => runs.clear());

  test('the reserved max_tokens reaches the upstream when the client sets none, so an honest upstream never overspends', async () => {
    const r = await run('honours max_tokens');
    assert.ok(r.maxTokensSent.length > 0);
    assert.deepEqual(new Set(r.maxTokensSent), new Set([DEFAULT_MAX]));
    assert.equal(r.maxExcess, 0);
    assert.ok(r.spent <= BUDGET * (1 + 1e-9), `spent ${r.spent} > budget ${BUDGET}`);
    assert.ok(r.spent > BUDGET - RESERVED, `the budget was used up (${r.spent} of ${BUDGET})`);
  });

  for (const behaviour of ['ignores max_tokens', 'over-reports usage'] as const) {
    test(`an upstream that ${behaviour}: spend stays within budget + concurrent_requests x one request's excess`, async () => {
      const r = await run(behaviour);
      assert.ok(r.maxInFlight <= CAP, `${r.maxInFlight} requests in flight upstream, over the cap of ${CAP}`);
      assert.ok(r.maxExcess > RESERVED, 'each answer costs well above its reservation');
      const bound = BUDGET + CAP * r.maxExcess;
      assert.ok(r.spent <= bound * (1 + 1e-9), `spent ${r.spent} > bound ${bound} (budget ${BUDGET}, ${r.answered} answered)`);
      assert.ok(r.spent > BUDGET, 'the misbehaving upstream did overspend: the bound is what is tested');
    });
  }

  test('a 429 that is only about requests in flight says retry in seconds', async () => {
    const r = await run('over-reports usage');
    assert.ok(r.inFlightRetryAfter.length > 0);
    for (const seconds of r.inFlightRetryAfter) assert.ok(seconds >= 1 && seconds <= 2, `retry-after ${seconds}`);
  });
});
