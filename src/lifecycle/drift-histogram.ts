/**
 * Input drift of a route (docs/decisions/drift-measure.md): each request's words (tokenised as the
 * student's hashed features are, distill/hashed-features.ts) hashed into 256 bins, each request weighing 1
 * (1/n per word). A reference histogram (the training data, or the first
 * requests) against a sliding window of the latest requests, both kept incrementally: adding a request
 * adds its few bins, and the one leaving the window subtracts its own, so a check costs O(bins), never
 * O(window). Measured as the population stability index and the Jensen–Shannon divergence.
 */
import { words } from '../distill/hashed-features.js';

export const DRIFT_BINS = 256;
/** Added to every bin's share so that an empty bin does not make PSI infinite. */
const SMOOTHING = 1e-4;

/** One request's contribution: distinct bins and the mass in each (summing to 1, or empty). */
export interface BinnedSample {
  bins: Uint16Array;
  mass: Float32Array;
}

export function binText(text: string): BinnedSample {
  const tokens = words(text);
  const acc = new Map<number, number>();
  const each = tokens.length === 0 ? 0 : 1 / tokens.length;
  for (const word of tokens) {
    const bin = wordBin(word);
    acc.set(bin, (acc.get(bin) ?? 0) + each);
  }
  const bins = new Uint16Array(acc.size);
  const mass = new Float32Array(acc.size);
  let k = 0;
  for (const [bin, m] of acc) {
    bins[k] = bin;
    mass[k++] = m;
  }
  return { bins, mass };
}

/** FNV-1a of a word (the student's word-unigram hash), folded into the bins. */
function wordBin(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  return (h >>> 0) & (DRIFT_BINS - 1);
}

export class Histogram {
  readonly counts = new Float64Array(DRIFT_BINS);
  total = 0;
  samples = 0;

  add(sample: BinnedSample, sign = 1): void {
    for (let i = 0; i < sample.bins.length; i++) {
      const m = (sample.mass[i] as number) * sign;
      const bin = sample.bins[i] as number;
      this.counts[bin] = (this.counts[bin] as number) + m;
      this.total += m;
    }
    this.samples += sign;
  }

  /** Smoothed shares. */
  shares(): Float64Array {
    const out = new Float64Array(DRIFT_BINS);
    const denominator = this.total + SMOOTHING * DRIFT_BINS;
    for (let i = 0; i < DRIFT_BINS; i++) out[i] = (Math.max(0, this.counts[i] as number) + SMOOTHING) / denominator;
    return out;
  }
}

/** The latest `size` requests: a ring of their samples, each subtracted as it leaves. */
export class SlidingHistogram extends Histogram {
  private readonly ring: Array<BinnedSample | undefined>;
  private next = 0;

  constructor(readonly size: number) {
    super();
    this.ring = new Array<BinnedSample | undefined>(size);
  }

  push(sample: BinnedSample): void {
    const leaving = this.ring[this.next];
    if (leaving) this.add(leaving, -1);
    this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.size;
    this.add(sample);
  }

  get full(): boolean {
    return this.samples >= this.size;
  }
}

/** Population stability index: Σ (p - q) ln(p / q). */
export function psi(reference: Float64Array, current: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = current[i] as number;
    const q = reference[i] as number;
    sum += (p - q) * Math.log(p / q);
  }
  return sum;
}

/** Jensen–Shannon divergence in bits (0–1). */
export function jensenShannon(reference: Float64Array, current: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = current[i] as number;
    const q = reference[i] as number;
    const m = (p + q) / 2;
    sum += 0.5 * p * Math.log2(p / m) + 0.5 * q * Math.log2(q / m);
  }
  return sum;
}
