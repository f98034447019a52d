/**
 * Feature variants for `npm run bench:distill-offline`: the shipped hashed features (hashed-features.ts)
 * plus optional extra buckets. With no option it gives the same buckets as the shipped `featurize`.
 */
import { featurize, HASH_BUCKETS, words, type SparseVector } from '../src/distill/hashed-features.js';

export interface FeatureOptions {
  /** Word trigrams. */
  wordTrigrams?: boolean;
  /** Character 3- to 5-grams of the whole lower-cased text with words joined by one space (across word boundaries). */
  crossWordChars?: boolean;
}

const MASK = HASH_BUCKETS - 1;

function fnv(seed: number, text: string): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function combinedFeaturizer(options: FeatureOptions): (text: string) => SparseVector {
  return (text) => {
    const base = featurize(text);
    const extra: number[] = [];
    const tokens = words(text);
    if (options.wordTrigrams) {
      for (let t = 2; t < tokens.length; t++) extra.push(fnv(0x3c6ef372, `${tokens[t - 2]} ${tokens[t - 1]} ${tokens[t]}`) & MASK);
    }
    if (options.crossWordChars) {
      const joined = tokens.join(' ');
      for (let n = 3; n <= 5; n++) {
        for (let i = 0; i + n <= joined.length; i++) {
          const gram = joined.slice(i, i + n);
          // Only grams that span a word boundary: the per-word grams are already in the base features.
          if (gram.includes(' ') && !gram.startsWith(' ') && !gram.endsWith(' ')) extra.push(fnv(0x1b873593, gram) & MASK);
        }
      }
    }
    if (extra.length === 0) return base;
    // Base values back to log counts, extras as log counts too, and the whole vector renormalised.
    const counts = new Map<number, number>();
    for (const b of extra) counts.set(b, (counts.get(b) ?? 0) + 1);
    const merged = new Map<number, number>();
    const scale = baseScale(base);
    for (let i = 0; i < base.indices.length; i++) merged.set(base.indices[i] as number, (base.values[i] as number) / scale);
    for (const [b, n] of counts) merged.set(b, (merged.get(b) ?? 0) + 1 + Math.log(n));
    const sorted = [...merged.entries()].sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, v] of sorted) norm += v * v;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return { indices: Int32Array.from(sorted.map(([b]) => b)), values: Float32Array.from(sorted.map(([, v]) => v * inv)) };
  };
}

/** The factor the shipped featurize divided its log counts by (so base values can be scaled back to log counts). */
function baseScale(base: SparseVector): number {
  // The smallest log count is 1 (a bucket seen once), so the smallest normalised value is 1/norm in most inputs.
  let min = Infinity;
  for (let i = 0; i < base.values.length; i++) min = Math.min(min, base.values[i] as number);
  return min === Infinity ? 1 : min;
}
