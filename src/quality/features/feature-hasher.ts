/**
 * The hashing trick over a fixed index space: every feature family (word n-grams, char n-grams, prompt
 * statistics, response statistics) writes `(index, value)` pairs into one reusable SparseFeatures buffer,
 * so extracting a prompt's features allocates almost nothing and costs microseconds.
 */

/** A sparse feature vector: parallel index/value arrays (indices may repeat; their values then add). */
export interface SparseFeatures {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/**
 * A growable scratch buffer features are written into; reused between prompts so the hot path does not
 * allocate. `snapshot()` copies the entries out when they must be kept (training).
 */
export class FeatureBuffer {
  indices = new Int32Array(2048);
  values = new Float64Array(2048);
  size = 0;

  push(index: number, value: number): void {
    if (this.size === this.indices.length) this.grow();
    this.indices[this.size] = index;
    this.values[this.size] = value;
    this.size++;
  }

  clear(): void {
    this.size = 0;
  }

  snapshot(): SparseFeatures {
    return { indices: this.indices.slice(0, this.size), values: this.values.slice(0, this.size) };
  }

  private grow(): void {
    const indices = new Int32Array(this.indices.length * 2);
    indices.set(this.indices);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.indices = indices;
    this.values = values;
  }
}

export const FNV_OFFSET = 0x811c9dc5;

/** One FNV-1a step. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193) >>> 0;
}

/** FNV-1a of a string, continuing from `seed`. */
export function hashString(text: string, seed = FNV_OFFSET): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = fnvStep(h, text.charCodeAt(i));
  return h;
}

/** Mixes two hashes (for n-grams and namespaces) with a murmur3-style finalizer. */
export function mixHash(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Appends one family's hashed entries scaled so the family has unit L2 norm (long prompts do not drown
 * short ones, and no family dominates the others by its count).
 */
export function pushNormalized(out: FeatureBuffer, hashes: readonly number[], options: { offset: number; mask: number; weight?: number }): void {
  if (hashes.length === 0) return;
  const scale = (options.weight ?? 1) / Math.sqrt(hashes.length);
  for (const h of hashes) out.push(options.offset + (h & options.mask), scale);
}
