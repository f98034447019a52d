/** Removes models on which this request could cost more than the budget (prompt estimate + full output allowance). */
import { worstCaseCost } from '../accounting/cost.js';
import { requestedOutputTokens, type Policy } from './policy.js';

export function budgetPolicy(options: { maxCostPerRequest: number }): Policy {
  return {
    name: 'budget',
    evaluate(request, model, ctx) {
      const cost = worstCaseCost({ promptTokens: ctx.promptTokens, maxOutputTokens: requestedOutputTokens(request, model), model });
      const shown = `${formatMoney(cost)} max vs budget ${formatMoney(options.maxCostPerRequest)}`;
      return cost <= options.maxCostPerRequest ? { allowed: true, reason: `within budget: ${shown}` } : { allowed: false, reason: `over budget: ${shown}` };
    },
  };
}

function formatMoney(value: number): string {
  return value === 0 ? '0' : value.toPrecision(3);
}
