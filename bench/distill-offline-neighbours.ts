/**
 * A trust score for `npm run bench:distill-offline`: the cosine similarity of an input to its nearest training
 * example of the predicted label, and to its nearest training example of any other label, over IDF-weighted
 * word unigrams and bigrams (an inverted index; character grams would make every posting list long).
 */
import { words } from '../src/distill/hashed-features.js';

export interface WordVector {
  terms: string[];
  values: Float32Array;
}

/** Distinct word unigrams and bigrams of a text. */
export function wordTerms(text: string): string[] {
  const tokens = words(text);
  const terms = new Set<string>(tokens);
  for (let t = 1; t < tokens.length; t++) terms.add(`${tokens[t - 1]} ${tokens[t]}`);
  return [...terms];
}

/** Inverse document frequencies of the training texts' terms. */
export function idfOf(texts: readonly string[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const text of texts) for (const term of wordTerms(text)) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [term, n] of df) idf.set(term, Math.log((1 + texts.length) / (1 + n)) + 1);
  return idf;
}

export function wordVector(text: string, idf: ReadonlyMap<string, number>): WordVector {
  const terms = wordTerms(text).filter((t) => idf.has(t));
  const values = Float32Array.from(terms.map((t) => idf.get(t) as number));
  let norm = 0;
  for (const v of values) norm += v * v;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * inv;
  return { terms, values };
}

export class NeighbourIndex {
  private readonly postings = new Map<string, { examples: number[]; values: number[] }>();
  private readonly sims: Float32Array;
  private readonly touched: Int32Array;

  constructor(
    vectors: readonly WordVector[],
    private readonly labels: readonly number[],
  ) {
    vectors.forEach((v, e) => {
      v.terms.forEach((term, i) => {
        let p = this.postings.get(term);
        if (p === undefined) {
          p = { examples: [], values: [] };
          this.postings.set(term, p);
        }
        p.examples.push(e);
        p.values.push(v.values[i] as number);
      });
    });
    this.sims = new Float32Array(vectors.length);
    this.touched = new Int32Array(vectors.length);
  }

  /** Nearest similarity among examples of `label`, and among all other examples (leaving out example `exclude`). */
  trust(x: WordVector, label: number, exclude = -1): { same: number; other: number } {
    let n = 0;
    for (let i = 0; i < x.terms.length; i++) {
      const p = this.postings.get(x.terms[i] as string);
      if (p === undefined) continue;
      const q = x.values[i] as number;
      for (let k = 0; k < p.examples.length; k++) {
        const e = p.examples[k] as number;
        if (this.sims[e] === 0) this.touched[n++] = e;
        this.sims[e] = (this.sims[e] as number) + q * (p.values[k] as number);
      }
    }
    let same = 0;
    let other = 0;
    for (let k = 0; k < n; k++) {
      const e = this.touched[k] as number;
      const s = this.sims[e] as number;
      if (e === exclude) {
        // left out: its similarity is still reset below
      } else if (this.labels[e] === label) same = Math.max(same, s);
      else other = Math.max(other, s);
      this.sims[e] = 0;
    }
    return { same, other };
  }
}
