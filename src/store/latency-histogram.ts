/**
 * Latency percentiles from a fixed log-scale histogram. Exact percentiles need every sample (or
 * percentile_cont, which SQLite lacks); counting samples per slot is one portable GROUP BY in every SQL
 * dialect and answers any range in one pass. Slots grow by 20%, so an interpolated percentile is within
 * 20% of the exact one — the same trade Prometheus histograms make.
 */

/** Upper bounds (ms, inclusive) of slots 0..n-1; slot n holds everything slower (over ~10 minutes). */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 78 }, (_, i) => Number((0.5 * 1.2 ** i).toFixed(3)));

/** The slot a duration falls in; the SQL backends compute the same with a CASE over LATENCY_BOUNDS_MS. */
export function latencySlot(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * The q-quantile (0..1) of the samples counted in `slots` (slot -> count), interpolated linearly inside its
 * slot; null without samples.
 */
export function percentileFromSlots(slots: ReadonlyMap<number, number>, q: number): number | null {
  const ordered = [...slots.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = ordered.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const [slot, n] of ordered) {
    if (seen + n >= rank) {
      const lower = slot === 0 ? 0 : (LATENCY_BOUNDS_MS[slot - 1] ?? 0);
      // The overflow slot has no upper bound: report its lower bound rather than invent one.
      const upper = LATENCY_BOUNDS_MS[slot] ?? lower;
      return lower + (upper - lower) * Math.min(1, Math.max(0, (rank - seen) / n));
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? null;
}
