/**
 * The name model's word lists as one open-addressed hash table: the FNV-1a hash of a lowercased word (or of
 * a run of CJK characters) maps to a set of class bits. Looking a token up costs one probe on a hash the
 * tokenizer already computed, with no string built. Built once, when the module loads.
 *
 * Sources: given names and surnames in many scripts (data/name-lists.ts, from faker's locale data, MIT),
 * the English given-name list (data/first-names.ts) and the cue words in name-cues.ts.
 */
import { AMBIGUOUS_FIRST_NAMES, FIRST_NAMES } from '../data/first-names.js';
import { GIVEN_NAMES, SURNAMES } from '../data/name-lists.js';
import { NAME_CUE_WORDS, NOT_NAME_WORDS, PLACE_OR_ORG_WORDS, TITLE_WORDS } from './name-cues.js';
import { hashString } from './name-tokens.js';

export const Lex = {
  Given: 1,
  AmbiguousGiven: 2,
  Surname: 4,
  Title: 8,
  NameCue: 16,
  PlaceOrOrg: 32,
  NotName: 64,
} as const;

export interface Lexicon {
  /** Class bits of the word whose FNV-1a hash is `hash` (0 when unknown). */
  bits(hash: number): number;
  readonly size: number;
}

export function buildLexicon(entries: Iterable<[words: readonly string[], bits: number]>): Lexicon {
  const all: Array<[number, number]> = [];
  for (const [words, bits] of entries) for (const w of words) if (w.length > 0) all.push([hashString(w.toLowerCase()), bits]);
  let capacity = 1024;
  while (capacity < all.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Int32Array(capacity);
  const values = new Uint8Array(capacity);
  const used = new Uint8Array(capacity);
  let size = 0;
  for (const [h, bits] of all) {
    let slot = (Math.imul(h, 0x9e3779b1) >>> 0) & mask;
    while (used[slot] === 1 && keys[slot] !== h) slot = (slot + 1) & mask;
    if (used[slot] === 0) size++;
    used[slot] = 1;
    keys[slot] = h;
    values[slot] = (values[slot] ?? 0) | bits;
  }
  return {
    size,
    bits(hash: number): number {
      let slot = (Math.imul(hash, 0x9e3779b1) >>> 0) & mask;
      while (used[slot] === 1) {
        if (keys[slot] === hash) return values[slot] ?? 0;
        slot = (slot + 1) & mask;
      }
      return 0;
    },
  };
}

const split = (s: string): string[] => (s.length === 0 ? [] : s.split(' '));

/**
 * The lexicon of the shipped lists. `keepName` drops given names and surnames (never cue words): training
 * uses it to hide a share of the names, so the model learns to find names no list holds from their context
 * and spelling instead of leaning on the list alone.
 */
export function buildNameLexicon(keepName: (word: string) => boolean = () => true): Lexicon {
  const names = (s: string): string[] => split(s).filter(keepName);
  return buildLexicon([
    [names(FIRST_NAMES), Lex.Given],
    [names(AMBIGUOUS_FIRST_NAMES), Lex.AmbiguousGiven],
    [names(GIVEN_NAMES), Lex.Given],
    [names(SURNAMES), Lex.Surname],
    [TITLE_WORDS, Lex.Title],
    [NAME_CUE_WORDS, Lex.NameCue],
    [PLACE_OR_ORG_WORDS, Lex.PlaceOrOrg],
    [NOT_NAME_WORDS, Lex.NotName],
  ]);
}

let shipped: Lexicon | undefined;
/** The lexicon built from the shipped lists, once. */
export function nameLexicon(): Lexicon {
  shipped ??= buildNameLexicon();
  return shipped;
}
