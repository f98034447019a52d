/**
 * Features of a prompt, computed on the CPU in microseconds with no model calls: hashed word uni/bigrams,
 * hashed character n-grams, and a few dozen prompt statistics that carry over between tasks (length,
 * numbers, multiple-choice options, negations, question type, math and code cues).
 */
import { FNV_OFFSET, fnvStep, mixHash, pushNormalized, type FeatureBuffer } from './feature-hasher.js';
import { promptStatistics, PROMPT_STAT_COUNT } from './prompt-statistics.js';

export interface PromptFeatureOptions {
  /** log2 of the hashed space size. */
  bits: number;
  /** Longest word n-gram (1 = unigrams only). */
  wordNgrams: number;
  /** Character n-gram sizes, inclusive range (at most 8); [0, 0] disables them. */
  charNgrams: [number, number];
  /** Relative weight of each family (their L2 norms). */
  wordWeight: number;
  charWeight: number;
  statsWeight: number;
}

export const DEFAULT_PROMPT_FEATURES: PromptFeatureOptions = {
  bits: 18,
  wordNgrams: 2,
  charNgrams: [3, 5],
  wordWeight: 1,
  charWeight: 1,
  statsWeight: 1,
};

/** Index space: statistics first (fixed slots), then the hashed space. */
export function promptFeatureDimension(options: PromptFeatureOptions): number {
  return PROMPT_STAT_COUNT + 2 ** options.bits;
}

export const WORD_SEED = 0x3c6ef372;
export const BIGRAM_SEED = 0xa54ff53a;
export const CHAR_SEED = 0x510e527f;

export function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code >= 0xc0;
}

export function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

const wordHashes: number[] = [];
const charHashes: number[] = [];
const ring = new Int32Array(8);

/** Where a family lands when several texts share one feature space (the cascade verifier). */
export interface FeatureLayout {
  statsOffset: number;
  hashOffset: number;
  /** Mixed into every hash so two texts' n-grams do not share buckets. */
  salt: number;
}

export const PROMPT_LAYOUT: FeatureLayout = { statsOffset: 0, hashOffset: PROMPT_STAT_COUNT, salt: 0 };

/** Appends the prompt's features to `out` (reusing module-level scratch arrays: not re-entrant). */
export function extractPromptFeatures(text: string, options: PromptFeatureOptions, out: FeatureBuffer, layout: FeatureLayout = PROMPT_LAYOUT): void {
  const offset = layout.hashOffset;
  const mask = 2 ** options.bits - 1;
  wordHashes.length = 0;
  charHashes.length = 0;

  // Words: lowercase alphanumeric runs; every digit run collapses to one "number" token so that
  // "16 eggs" and "23 eggs" share features.
  let prev = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  let isNumber = true;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const code = i < n ? lower(text.charCodeAt(i)) : 32;
    if (isWordChar(code)) {
      if (!inWord) {
        inWord = true;
        isNumber = true;
        h = FNV_OFFSET;
      }
      if (code < 48 || code > 57) isNumber = false;
      h = fnvStep(h, code);
    } else if (inWord) {
      inWord = false;
      const word = isNumber ? 0x7f4a7c15 : h;
      wordHashes.push(mixHash(word, WORD_SEED + layout.salt));
      if (options.wordNgrams >= 2 && prev !== 0) wordHashes.push(mixHash(mixHash(prev, word), BIGRAM_SEED + layout.salt));
      prev = word;
    }
  }

  const [minN, maxN] = options.charNgrams;
  if (maxN > 0) {
    // Character n-grams over the lowercased text, whitespace runs squeezed to one space and digits
    // folded to '0'. A ring of the last maxN codes avoids building substrings.
    let len = 0;
    let lastSpace = true;
    for (let i = 0; i < n; i++) {
      let code = lower(text.charCodeAt(i));
      if (code === 10 || code === 13 || code === 9) code = 32;
      if (code === 32) {
        if (lastSpace) continue;
        lastSpace = true;
      } else lastSpace = false;
      if (code >= 48 && code <= 57) code = 48;
      ring[len % 8] = code;
      len++;
      for (let size = minN; size <= maxN && size <= len; size++) {
        let g = CHAR_SEED + size + layout.salt;
        for (let k = len - size; k < len; k++) g = fnvStep(g, ring[k % 8] as number);
        charHashes.push(g);
      }
    }
  }

  pushNormalized(out, wordHashes, { offset, mask, weight: options.wordWeight });
  pushNormalized(out, charHashes, { offset, mask, weight: options.charWeight });
  if (options.statsWeight !== 0) promptStatistics(text, out, options.statsWeight, layout.statsOffset);
}
