/**
 * A trust score for a student's answer: how close the input is to its nearest training example of the
 * predicted label, and to its nearest training example of any other label (cosine similarity over
 * IDF-weighted word unigrams and bigrams). An input whose nearest neighbour carries another label is a
 * doubtful answer even when the softmax is confident; one that nearly repeats an example of its label is a
 * safe one. Combined with the top probability (confidence-combiner.ts) it ranks answers better than the
 * probability alone (docs/decisions/task-distillation.md).
 *
 * An inverted index in typed arrays: term hashes sorted (binary search), each term's postings (example,
 * weight) contiguous. Character grams are left out: they make every posting list long.
 */
import { words } from './hashed-features.js';

export interface TrustIndexData {
  /** Distinct term hashes (word unigrams and bigrams), ascending. */
  terms: Int32Array;
  /** Inverse document frequency of each term. */
  idf: Float32Array;
  /** terms.length + 1 offsets into examples/values: term t's postings are [offsets[t], offsets[t + 1]). */
  offsets: Int32Array;
  /** Postings: the example holding the term… */
  examples: Int32Array;
  /** …and the term's weight in that example's normalised vector. */
  values: Float32Array;
  /** Each indexed example's label (an index into the student's labels). */
  labels: Int32Array;
}

export interface Trust {
  /** Similarity to the nearest indexed example of the predicted label (0 when none shares a term). */
  same: number;
  /** Similarity to the nearest indexed example of any other label. */
  other: number;
}

const UNIGRAM_SEED = 0x811c9dc5;
const BIGRAM_SEED = 0x2f6b1a3d;

/** Distinct hashes of the text's word unigrams and bigrams, ascending. */
export function termsOf(text: string): Int32Array {
  const tokens = words(text);
  const hashes = new Int32Array(tokens.length * 2);
  let n = 0;
  let previous = 0;
  for (let t = 0; t < tokens.length; t++) {
    const word = tokens[t] as string;
    let h = UNIGRAM_SEED;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    hashes[n++] = h;
    if (t > 0) hashes[n++] = Math.imul(previous ^ BIGRAM_SEED, 0x01000193) ^ h;
    previous = h;
  }
  const sorted = hashes.subarray(0, n).sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i] as number;
  return sorted.slice(0, distinct);
}

/**
 * Terms in more than this share of the indexed inputs are left out (of the index and so of every query):
 * they say little about the label, and their posting lists are most of the work of a query.
 */
export const MAX_TERM_SHARE = 0.03;

/** Indexes the texts (each with its label index). */
export function buildTrustIndex(texts: readonly string[], labels: readonly number[], maxTermShare = MAX_TERM_SHARE): TrustIndexData {
  const limit = Math.max(1, maxTermShare * texts.length);
  const counted = new Map<number, number>();
  for (const terms of texts.map(termsOf)) for (const term of terms) counted.set(term, (counted.get(term) ?? 0) + 1);
  const df = new Map<number, number>();
  for (const [term, n] of counted) if (n <= limit) df.set(term, n);
  const termsOfText = texts.map((text) => termsOf(text).filter((term) => df.has(term)));
  const terms = Int32Array.from(df.keys()).sort();
  const idf = new Float32Array(terms.length);
  const offsets = new Int32Array(terms.length + 1);
  const slot = new Map<number, number>();
  for (let t = 0; t < terms.length; t++) {
    const n = df.get(terms[t] as number) as number;
    idf[t] = Math.log((1 + texts.length) / (1 + n)) + 1;
    offsets[t + 1] = (offsets[t] as number) + n;
    slot.set(terms[t] as number, t);
  }
  const total = offsets[terms.length] as number;
  const examples = new Int32Array(total);
  const values = new Float32Array(total);
  const fill = offsets.slice(0, terms.length);
  termsOfText.forEach((own, e) => {
    let norm = 0;
    for (const term of own) norm += (idf[slot.get(term) as number] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const term of own) {
      const t = slot.get(term) as number;
      const at = fill[t] as number;
      fill[t] = at + 1;
      examples[at] = e;
      values[at] = (idf[t] as number) * scale;
    }
  });
  return { terms, idf, offsets, examples, values, labels: Int32Array.from(labels) };
}

/** Answers trust queries over an index (scratch arrays reused: not re-entrant). */
export class TrustIndex {
  private readonly sims: Float32Array;
  private readonly touched: Int32Array;
  private readonly found = new Int32Array(256);
  private readonly weights = new Float32Array(256);

  constructor(readonly data: TrustIndexData) {
    this.sims = new Float32Array(data.labels.length);
    this.touched = new Int32Array(data.labels.length);
  }

  /** The input's trust for `label`, leaving indexed example `exclude` out (an out-of-fold score of an indexed example). */
  trust(text: string, label: number, exclude = -1): Trust {
    const { terms, idf, offsets, examples, values, labels } = this.data;
    const own = termsOf(text);
    let found = 0;
    let norm = 0;
    for (let i = 0; i < own.length && found < this.found.length; i++) {
      const t = search(terms, own[i] as number);
      if (t < 0) continue;
      this.found[found] = t;
      this.weights[found++] = idf[t] as number;
      norm += (idf[t] as number) ** 2;
    }
    if (found === 0) return { same: 0, other: 0 };
    const scale = 1 / Math.sqrt(norm);
    const sims = this.sims;
    let touched = 0;
    for (let f = 0; f < found; f++) {
      const t = this.found[f] as number;
      const q = (this.weights[f] as number) * scale;
      for (let k = offsets[t] as number, end = offsets[t + 1] as number; k < end; k++) {
        const e = examples[k] as number;
        if (sims[e] === 0) this.touched[touched++] = e;
        sims[e] = (sims[e] as number) + q * (values[k] as number);
      }
    }
    let same = 0;
    let other = 0;
    for (let k = 0; k < touched; k++) {
      const e = this.touched[k] as number;
      const s = sims[e] as number;
      sims[e] = 0;
      if (e === exclude) continue;
      if (labels[e] === label) same = Math.max(same, s);
      else other = Math.max(other, s);
    }
    return { same: Math.min(1, same), other: Math.min(1, other) };
  }
}

function search(sorted: Int32Array, key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v < key) lo = mid + 1;
    else if (v > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}
