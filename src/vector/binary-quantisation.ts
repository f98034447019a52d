/**
 * Binary quantisation for the embedded vector indexes (memory and SQLite; docs/decisions/vector-store.md):
 * each stored vector also keeps one sign bit per dimension (bit j set when component j > 0; 256 dimensions
 * in 32 bytes). A large space is searched in two passes: a coarse pass ranks every item by the Hamming
 * distance of its bits to the query's, then the best `quantisedCandidates(k)` are rescored exactly by cosine
 * from the float vectors. The bit layout (bit j in byte j >> 3 at position j & 7) is sqlite-vec's `bit[N]`.
 *
 * The coarse pass can lose a neighbour: sign bits of hashed lexical vectors rank weak neighbours (cosine
 * below ~0.7) poorly. Measured on 100k lexical embeddings of the intent sets (docs/caching.md): every exact
 * top-4 match at cosine ≥ 0.8 was within the 40 best by Hamming distance, but ~4% of those in 0.5–0.7 were
 * beyond the best 1000. So the quantised pass is used only where that cannot matter: a space of at least
 * QUANTISED_FROM items of QUANTISED_MIN_DIMENSIONS or more, searched with a minScore of at least
 * QUANTISED_MIN_SCORE (the semantic cache's threshold, 0.9 by default). Every other search (small spaces,
 * retrieval with a low min_score) stays exact.
 */

/** Below this many items an exact scan is fast enough (≤ ~5 ms) and is used. */
export const QUANTISED_FROM = 20_000;
/** Only searches that want close matches (minScore at least this) take the quantised pass. */
export const QUANTISED_MIN_SCORE = 0.8;

/** How many coarse candidates are rescored exactly for a top-k search. */
export function quantisedCandidates(k: number): number {
  return Math.max(64, k * 16);
}

/** Sign bits of fewer dimensions than this say too little (in 2 dimensions, a quarter of a space ties). */
export const QUANTISED_MIN_DIMENSIONS = 64;

export function useQuantised(items: number, dimensions: number, minScore: number | undefined): boolean {
  return items >= QUANTISED_FROM && dimensions >= QUANTISED_MIN_DIMENSIONS && minScore !== undefined && minScore >= QUANTISED_MIN_SCORE;
}

/** 32-bit words per row of sign bits. */
export function bitWords(dimensions: number): number {
  return Math.ceil(dimensions / 32);
}

/** Writes the sign bits of `vector` into `out` at word offset `at` (cleared first). */
export function writeSignBits(vector: Float32Array, out: Uint32Array, at: number): void {
  const words = bitWords(vector.length);
  out.fill(0, at, at + words);
  for (let j = 0; j < vector.length; j++) if ((vector[j] as number) > 0) out[at + (j >> 5)] = (out[at + (j >> 5)] as number) | (1 << (j & 31));
}

/** The sign bits as bytes, in sqlite-vec's `bit[⌈d/8⌉·8]` order (for tests and tools comparing with it). */
export function signBitBytes(vector: Float32Array): Buffer {
  const words = new Uint32Array(bitWords(vector.length));
  writeSignBits(vector, words, 0);
  const bytes = Buffer.alloc(Math.ceil(vector.length / 8));
  for (let b = 0; b < bytes.length; b++) bytes[b] = ((words[b >> 2] as number) >>> ((b & 3) * 8)) & 0xff;
  return bytes;
}

/** 32-bit words per row of sign bits in memory, padded to a multiple of four (zero words add nothing). */
export function bitStride(dimensions: number): number {
  return Math.ceil(bitWords(dimensions) / 4) * 4;
}

/**
 * The coarse pass: the rows (of `n`, each `stride` words of `bits`) whose sign bits are nearest the unit
 * query's by Hamming distance: every row nearer than the cut-off distance, then rows at the cut-off (in
 * storage order) up to `wanted` in all; found with a histogram rather than a sort. Sparse vectors tie a
 * lot (their zero components all read as 0 bits), so keeping every tie could mean thousands of rescores.
 */
export function hammingCandidates(bits: Uint32Array, stride: number, n: number, q: Float32Array, wanted: number): Uint32Array {
  const w = stride;
  const qBits = new Uint32Array(w);
  writeSignBits(q, qBits, 0);
  const distances = new Uint16Array(n);
  const histogram = new Uint32Array(w * 32 + 1);
  for (let row = 0; row < n; row++) {
    const base = row * w;
    let h = 0;
    // Four words a step (rows are padded to a multiple of four): twice as fast as one at a time.
    for (let i = 0; i < w; i += 4)
      h +=
        popcount((bits[base + i] as number) ^ (qBits[i] as number)) +
        popcount((bits[base + i + 1] as number) ^ (qBits[i + 1] as number)) +
        popcount((bits[base + i + 2] as number) ^ (qBits[i + 2] as number)) +
        popcount((bits[base + i + 3] as number) ^ (qBits[i + 3] as number));
    distances[row] = h;
    histogram[h] = (histogram[h] as number) + 1;
  }
  let cutoff = 0;
  let taken = 0;
  for (; cutoff < histogram.length; cutoff++) {
    taken += histogram[cutoff] as number;
    if (taken >= wanted) break;
  }
  const out = new Uint32Array(Math.min(taken, wanted));
  let atCutoff = out.length - (taken - (histogram[cutoff] ?? 0));
  let at = 0;
  for (let row = 0; row < n && at < out.length; row++) {
    const h = distances[row] as number;
    if (h < cutoff) out[at++] = row;
    else if (h === cutoff && atCutoff > 0) {
      out[at++] = row;
      atCutoff--;
    }
  }
  return out;
}

/**
 * The sign bits of one space keyed by a number (SQLite's rowid), in memory: what the SQLite index runs
 * its coarse pass over, since sqlite-vec's own KNN over a `bit[]` column costs as much as its float scan
 * (measured: ~24 ms at 100k, like the float KNN).
 * Removal moves the last row into the hole.
 */
export class SignBitTable {
  readonly stride: number;
  bits: Uint32Array;
  keys: number[] = [];
  readonly #rows = new Map<number, number>();

  constructor(readonly dimensions: number) {
    this.stride = bitStride(dimensions);
    this.bits = new Uint32Array(this.stride * 64);
  }

  get size(): number {
    return this.keys.length;
  }

  set(key: number, unit: Float32Array): void {
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = this.keys.length;
      if ((row + 1) * this.stride > this.bits.length) {
        const grown = new Uint32Array(this.bits.length * 2);
        grown.set(this.bits);
        this.bits = grown;
      }
      this.keys.push(key);
      this.#rows.set(key, row);
    }
    writeSignBits(unit, this.bits, row * this.stride);
  }

  delete(key: number): void {
    const row = this.#rows.get(key);
    if (row === undefined) return;
    const last = this.keys.length - 1;
    if (row !== last) {
      const lastKey = this.keys[last] as number;
      this.bits.copyWithin(row * this.stride, last * this.stride, (last + 1) * this.stride);
      this.keys[row] = lastKey;
      this.#rows.set(lastKey, row);
    }
    this.keys.pop();
    this.#rows.delete(key);
  }

  /** The keys of the coarse pass's candidates for a unit query. */
  candidates(unit: Float32Array, wanted: number): number[] {
    return Array.from(hammingCandidates(this.bits, this.stride, this.keys.length, unit, wanted), (row) => this.keys[row] as number);
  }
}

/** Bits set in a 32-bit word. */
export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}
