/**
 * The summable part of every aggregate the store returns (stats rows, dashboard traffic buckets, report
 * totals): one function adds them, so a new column is summed everywhere or nowhere.
 */
export interface UsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  baselineCost: number;
}

/** Adds `row`'s totals into `target` (in place). */
export function addUsageTotals(target: UsageTotals, row: Readonly<UsageTotals>): void {
  target.requests += row.requests;
  target.errors += row.errors;
  target.inputTokens += row.inputTokens;
  target.outputTokens += row.outputTokens;
  target.cost += row.cost;
  target.baselineCost += row.baselineCost;
}
