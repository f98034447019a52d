/**
 * fastText-style features of a short text: word unigrams and bigrams, and character 3- to 5-grams of each
 * word with boundary marks (`<card>` gives `<ca`, `car`, `ard`, `rd>`, `<car`, …), each hashed into one
 * of 2^20 buckets. Counts are log-scaled and the vector is L2-normalised, so long and short inputs weigh
 * alike. Character n-grams carry typos and inflections ("recieved", "cards") that whole words miss.
 */

/** Number of hash buckets (2^20); a trained model maps the buckets it saw onto compact weight rows. */
export const HASH_BUCKETS = 1 << 20;
const BUCKET_MASK = HASH_BUCKETS - 1;

const MIN_CHAR_GRAM = 3;
const MAX_CHAR_GRAM = 5;

/** A sparse feature vector: distinct bucket indices and their values (L2 norm 1, or empty). */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

// FNV-1a offsets per feature kind, so `ab` the word and `ab` the character gram land in different buckets.
const WORD_SEED = 0x811c9dc5;
const BIGRAM_SEED = 0x2f6b1a3d;
const CHAR_SEED = 0x5bd1e995;

function fnv(seed: number, text: string, start: number, end: number): number {
  let h = seed;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words of the text (letters and digits; punctuation separates). */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Reused between calls: featurising is on the request path, and a typed buffer keeps it allocation-light. */
let scratch = new Int32Array(1024);

function charGram(word: string, start: number, n: number): number {
  // The word as `<word>`: position -1 is `<`, position word.length is `>`, without building that string.
  let h = CHAR_SEED;
  for (let i = start; i < start + n; i++) {
    h ^= i < 0 ? 60 : i >= word.length ? 62 : word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & BUCKET_MASK;
}

export function featurize(text: string): SparseVector {
  const tokens = words(text);
  let size = 0;
  const push = (bucket: number): void => {
    if (size === scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[size++] = bucket;
  };
  let previous = 0;
  for (let t = 0; t < tokens.length; t++) {
    const word = tokens[t] as string;
    const wordHash = fnv(WORD_SEED, word, 0, word.length);
    push(wordHash & BUCKET_MASK);
    if (t > 0) push((Math.imul(previous ^ BIGRAM_SEED, 0x01000193) ^ wordHash) & BUCKET_MASK);
    previous = wordHash;
    const marked = word.length + 2;
    for (let n = MIN_CHAR_GRAM; n <= MAX_CHAR_GRAM; n++) {
      // A word shorter than n (with its marks) gives no n-grams of that length; the word itself is counted above.
      for (let i = 0; i + n <= marked; i++) push(charGram(word, i - 1, n));
    }
  }
  const sorted = scratch.subarray(0, size).sort();
  let distinct = 0;
  for (let i = 0; i < size; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const indices = new Int32Array(distinct);
  const values = new Float32Array(distinct);
  let k = -1;
  for (let i = 0; i < size; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      k++;
      indices[k] = sorted[i] as number;
      values[k] = 1;
    } else values[k] = (values[k] as number) + 1;
  }
  let norm = 0;
  for (let i = 0; i < distinct; i++) {
    const value = 1 + Math.log(values[i] as number);
    values[i] = value;
    norm += value * value;
  }
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < distinct; i++) values[i] = (values[i] as number) * scale;
  }
  return { indices, values };
}
