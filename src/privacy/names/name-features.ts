/**
 * Features of one token for the name tagger, as hashed indices into the weight table: the word, its
 * prefix and suffixes, shape and script, neighbouring words, the punctuation before and after, lexicon
 * classes of the token and its neighbours (given name, surname, title, "name" cue, street or company word),
 * the previous token's label, and for CJK characters whether a known surname or given name starts or ends
 * there. Everything is computed from hashes the tokenizer already holds, into a caller's Int32Array, so
 * tagging allocates nothing per token. Training (scripts/names/train-name-model.ts) and detection share
 * this file, which is what keeps the shipped weights meaningful: change a feature and the model must be
 * retrained (FEATURE_VERSION guards that).
 */
import { Lex, type Lexicon } from './name-lexicon.js';
import { TokenFlag, type TokenBuffer, fnvStep, hashRange } from './name-tokens.js';
import { type Script, isCharTokenScript } from './script-class.js';

/** Bumped whenever a feature changes; the artifact records the version it was trained with. */
export const FEATURE_VERSION = 2;
export const FEATURE_BITS = 18;
export const FEATURE_MASK = (1 << FEATURE_BITS) - 1;
/** Upper bound on the features of one token. */
export const MAX_FEATURES = 48;

const F = {
  bias: 1,
  word: 2,
  shape: 3,
  suffix2: 4,
  suffix3: 5,
  prefix3: 6,
  length: 7,
  wordBefore: 8,
  wordAfter: 9,
  word2Before: 10,
  word2After: 11,
  bigramBefore: 12,
  punctBefore: 13,
  punctAfter: 14,
  lex: 15,
  lexBefore: 16,
  lexAfter: 17,
  prevLabel: 18,
  prevLabelShape: 19,
  prevLabelLex: 20,
  casedLex: 21,
  cjkSurnameStart: 22,
  cjkAfterSurname: 23,
  cjkRunPos: 24,
  shapeBefore: 25,
  shapeAfter: 26,
  sentenceStartShape: 27,
  lex2Before: 28,
  cjkGivenStart: 29,
  cjkGivenEnd: 30,
  bigramAfter: 31,
  wordShape: 32,
  lexBeforeShape: 33,
  suffix4: 34,
  cjkBigram: 35,
  cjkRunLen: 36,
  lexAfterShape: 37,
  newline: 38,
  lexBeforeLexAfter: 39,
  wordBeforeShape: 40,
  prefix2: 41,
  charClassLex: 42,
} as const;

const BOS = 0x2f1b3c4d;
const EOS = 0x5a6b7c8d;
const NUM = 0x13579bdf;
/** The lexicon bits of a neighbour past either end of the text: above every class bit (Lex in name-lexicon.ts). */
const NO_TOKEN = 256;

function mix(template: number, value: number): number {
  let h = value ^ Math.imul(template, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & FEATURE_MASK;
}

/** Per-text state the features read: tokens, each token's lexicon bits, and whether the text has capitals. */
export interface FeatureInput {
  tokens: TokenBuffer;
  lexBits: Uint16Array;
  lexicon: Lexicon;
}

export function computeLexBits(tokens: TokenBuffer, lexicon: Lexicon, out: Uint16Array): Uint16Array {
  const bits = out.length >= tokens.count ? out : new Uint16Array(Math.max(tokens.count, out.length * 2));
  for (let i = 0; i < tokens.count; i++) bits[i] = (tokens.flags[i]! & TokenFlag.Number) !== 0 ? 0 : lexicon.bits(tokens.hash[i]!);
  return bits;
}

/** Shape: script, capital, all caps, number, and whether the text is cased at all. */
export function shapeOf(tokens: TokenBuffer, i: number): number {
  if (i < 0) return 1000;
  if (i >= tokens.count) return 1001;
  const f = tokens.flags[i]!;
  return (tokens.script[i]! << 4) | (f & (TokenFlag.Capital | TokenFlag.AllCaps | TokenFlag.Number)) | (tokens.cased ? 8 : 0);
}

function wordHash(tokens: TokenBuffer, i: number): number {
  if (i < 0) return BOS;
  if (i >= tokens.count) return EOS;
  return (tokens.flags[i]! & TokenFlag.Number) !== 0 ? NUM : tokens.hash[i]!;
}

/** Whether a run of CJK tokens i..j (inclusive) is contiguous characters. */
function contiguous(tokens: TokenBuffer, i: number, j: number): boolean {
  if (i < 0 || j >= tokens.count) return false;
  for (let k = i + 1; k <= j; k++) {
    if ((tokens.flags[k]! & TokenFlag.Joined) === 0 || !isCharTokenScript(tokens.script[k]! as Script)) return false;
  }
  return isCharTokenScript(tokens.script[i]! as Script);
}

/**
 * Writes the features of token `i` into `out` and returns how many. `prevLabel` is the label the tagger
 * gave the token before (1 name, 0 not), so a name's second word sees that a name has begun.
 */
export function tokenFeatures(input: FeatureInput, i: number, prevLabel: number, out: Int32Array): number {
  const { tokens, lexBits, lexicon } = input;
  const lower = tokens.lower;
  let n = 0;
  const start = tokens.start[i]!;
  const end = tokens.end[i]!;
  const len = end - start;
  const shape = shapeOf(tokens, i);
  const lex = lexBits[i]!;
  const lexBefore = i > 0 ? lexBits[i - 1]! : NO_TOKEN;
  const lexAfter = i + 1 < tokens.count ? lexBits[i + 1]! : NO_TOKEN;
  const lex2Before = i > 1 ? lexBits[i - 2]! : NO_TOKEN;
  const flags = tokens.flags[i]!;
  const w = tokens.hash[i]!;
  const sb = shapeOf(tokens, i - 1);
  const sa = shapeOf(tokens, i + 1);

  out[n++] = mix(F.bias, 0);
  out[n++] = mix(F.word, w);
  out[n++] = mix(F.shape, shape);
  out[n++] = mix(F.wordShape, w ^ Math.imul(shape, 0x27d4eb2d));
  out[n++] = mix(F.length, Math.min(len, 12));
  out[n++] = mix(F.wordBefore, wordHash(tokens, i - 1));
  out[n++] = mix(F.wordAfter, wordHash(tokens, i + 1));
  out[n++] = mix(F.word2Before, wordHash(tokens, i - 2));
  out[n++] = mix(F.word2After, wordHash(tokens, i + 2));
  out[n++] = mix(F.bigramBefore, fnvStep(wordHash(tokens, i - 2), wordHash(tokens, i - 1)));
  out[n++] = mix(F.bigramAfter, fnvStep(wordHash(tokens, i + 1), wordHash(tokens, i + 2)));
  out[n++] = mix(F.wordBeforeShape, fnvStep(wordHash(tokens, i - 1), shape));
  out[n++] = mix(F.punctBefore, tokens.punctBefore[i]!);
  out[n++] = mix(F.punctAfter, i + 1 < tokens.count ? tokens.punctBefore[i + 1]! : 0xffff);
  out[n++] = mix(F.newline, flags & (TokenFlag.NewlineBefore | TokenFlag.SentenceStart));
  out[n++] = mix(F.lex, lex);
  out[n++] = mix(F.lexBefore, lexBefore);
  out[n++] = mix(F.lexAfter, lexAfter);
  out[n++] = mix(F.lex2Before, lex2Before);
  out[n++] = mix(F.lexBeforeShape, (lexBefore << 16) | shape);
  out[n++] = mix(F.lexAfterShape, (lexAfter << 16) | shape);
  out[n++] = mix(F.lexBeforeLexAfter, (lexBefore << 9) | lexAfter);
  out[n++] = mix(F.casedLex, (lex << 1) | (tokens.cased ? 1 : 0));
  out[n++] = mix(F.charClassLex, (lex << 8) | tokens.script[i]!);
  out[n++] = mix(F.shapeBefore, sb);
  out[n++] = mix(F.shapeAfter, sa);
  out[n++] = mix(F.sentenceStartShape, ((flags & TokenFlag.SentenceStart) << 12) | shape);
  out[n++] = mix(F.prevLabel, prevLabel);
  out[n++] = mix(F.prevLabelShape, (prevLabel << 16) | shape);
  out[n++] = mix(F.prevLabelLex, (prevLabel << 8) | lex);

  const script = tokens.script[i]! as Script;
  if (isCharTokenScript(script)) {
    // Position in the run of characters, the run's length, and what the surname and given-name lists say
    // about the characters starting or ending here.
    let before = 0;
    while (before < 4 && contiguous(tokens, i - before - 1, i)) before++;
    let after = 0;
    while (after < 4 && contiguous(tokens, i, i + after + 1)) after++;
    out[n++] = mix(F.cjkRunPos, before);
    out[n++] = mix(F.cjkRunLen, (before << 4) | after);
    out[n++] = mix(F.cjkBigram, fnvStep(w, wordHash(tokens, i + 1)));
    for (let k = 1; k <= 3; k++) {
      if (k - 1 <= after) {
        const bits = lexicon.bits(hashRange(lower, start, tokens.end[i + k - 1]!));
        if (bits & Lex.Surname) out[n++] = mix(F.cjkSurnameStart, k);
        if (bits & Lex.Given) out[n++] = mix(F.cjkGivenStart, k);
      }
      if (k <= before) {
        const bits = lexicon.bits(hashRange(lower, tokens.start[i - k]!, start));
        if (bits & Lex.Surname) out[n++] = mix(F.cjkAfterSurname, k);
      }
      if (k - 1 <= before) {
        const bits = lexicon.bits(hashRange(lower, tokens.start[i - k + 1]!, end));
        if (bits & Lex.Given) out[n++] = mix(F.cjkGivenEnd, k);
      }
    }
  } else if (len >= 2) {
    out[n++] = mix(F.suffix2, hashRange(lower, end - 2, end));
    out[n++] = mix(F.prefix2, hashRange(lower, start, start + 2));
    if (len >= 3) {
      out[n++] = mix(F.suffix3, hashRange(lower, end - 3, end));
      out[n++] = mix(F.prefix3, hashRange(lower, start, start + 3));
    }
    if (len >= 5) out[n++] = mix(F.suffix4, hashRange(lower, end - 4, end));
  }
  return n;
}
