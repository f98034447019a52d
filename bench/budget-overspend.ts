/**
 * `npx tsx bench/budget-overspend.ts`: how far a budget is overshot when 24 clients drain it at once, per
 * upstream behaviour and per `concurrent_requests` cap (1000 stands for "no cap", as before the cap
 * existed). Prints spend and the stated bound (budget + cap x the largest per-request excess) as
 * multiples of the budget; docs/security.md quotes the output.
 */
import { BUDGET, drainBudget, RESERVED, WORKERS, type Behaviour } from '../test/helpers/budget-drain.js';

const behaviours: Behaviour[] = ['honours max_tokens', 'ignores max_tokens', 'over-reports usage'];
console.log(`budget ${BUDGET.toPrecision(4)} (20 reservations of ${RESERVED.toPrecision(4)}), ${WORKERS} clients`);
console.log('upstream            cap   answered  spent/budget  bound/budget  most in flight upstream');
for (const cap of [4, 16, 1000]) {
  for (const behaviour of behaviours) {
    const r = await drainBudget(behaviour, cap);
    const bound = (BUDGET + cap * r.maxExcess) / BUDGET;
    console.log(
      `${behaviour.padEnd(19)} ${String(cap).padStart(4)}  ${String(r.answered).padStart(8)}  ${(r.spent / BUDGET).toFixed(2).padStart(12)}  ${bound.toFixed(2).padStart(12)}  ${String(r.maxInFlight).padStart(6)}`,
    );
  }
}
