/**
 * Holds a route's `llm_share` by itself: the threshold is the (1 - share) quantile of the route's most
 * recent scores (a sliding window), so the realised share of large-model calls tracks the target whatever
 * the traffic's score distribution, including one the scorer was never calibrated on (a long constant
 * prompt prefix squeezes a learned scorer's scores into a narrow band; the heuristic scorer has no
 * reference set at all).
 *
 * Ties at the threshold (identical prompts, a saturated scorer) are split in the proportion that keeps the
 * share, deterministically (error diffusion: each tie adds its fraction to a running credit and goes large
 * when the credit reaches one), so a window of equal scores still sends `share` of them to the large model.
 * With few scores seen yet the rule is the same, just noisier.
 *
 * One instance per route and replica; cross-replica sharing of the window is not built (each replica
 * holds the share of the traffic it sees, which sums to the same share overall).
 */

export interface ShareDecision {
  large: boolean;
  /** The threshold in force for this score (the window's (1 - share) quantile). */
  threshold: number;
}

/** Turns a score into a decision; `scoredRouter` uses one when the share is held online. */
export interface ShareHold {
  decide(score: number): ShareDecision;
}

export const DEFAULT_HOLD_WINDOW = 1000;

export class OnlineShareThreshold implements ShareHold {
  private readonly share: number;
  private readonly window: number;
  /** Error-diffusion credit for ties at the threshold. */
  private credit = 0;
  /** Scores in arrival order (a ring), and the same scores kept sorted. */
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private size = 0;
  private next = 0;

  constructor(options: { llmShare: number; window?: number | undefined }) {
    if (!(options.llmShare >= 0 && options.llmShare <= 1)) throw new Error(`llm_share must be in [0, 1], got ${options.llmShare}`);
    const window = options.window ?? DEFAULT_HOLD_WINDOW;
    if (!Number.isInteger(window) || window < 1) throw new Error(`the hold window must be a positive whole number, got ${window}`);
    this.share = options.llmShare;
    this.window = window;
    this.ring = new Float64Array(window);
    this.sorted = new Float64Array(window);
  }

  /** Records `score` in the window and decides it against the window's quantile. */
  decide(score: number): ShareDecision {
    this.observe(score);
    const m = this.size;
    const wanted = this.share * m;
    if (wanted <= 0) return { large: false, threshold: (this.sorted[m - 1] as number) + 1e-9 };
    // The threshold is the score of rank m - ceil(wanted) (ascending): at least `wanted` scores lie at or above it.
    const rank = Math.max(0, m - Math.ceil(wanted));
    const threshold = this.sorted[rank] as number;
    if (score > threshold) return { large: true, threshold };
    if (score < threshold) return { large: false, threshold };
    const above = m - upperBound(this.sorted, m, threshold);
    const equal = upperBound(this.sorted, m, threshold) - lowerBound(this.sorted, m, threshold);
    this.credit += (wanted - above) / equal;
    if (this.credit >= 1 - 1e-12) {
      this.credit -= 1;
      return { large: true, threshold };
    }
    return { large: false, threshold };
  }

  private observe(score: number): void {
    if (this.size === this.window) {
      const oldest = this.ring[this.next] as number;
      const at = lowerBound(this.sorted, this.size, oldest);
      this.sorted.copyWithin(at, at + 1, this.size);
      this.size--;
    }
    this.ring[this.next] = score;
    this.next = (this.next + 1) % this.window;
    const at = upperBound(this.sorted, this.size, score);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = score;
    this.size++;
  }
}

/** First index in sorted[0..n) whose value is >= x. */
function lowerBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in sorted[0..n) whose value is > x. */
function upperBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
