/**
 * The name model's word lists as one open-addressed hash table: the FNV-1a hash of a lowercased word (or of
 * a run of CJK characters) maps to a set of class bits. Looking a token up costs one probe on a hash the
 * tokenizer already computed, with no string built. Built once, when the module loads.
 *
 * Sources: given names and surnames in many scripts (data/name-lists.ts and data/name-lists-heldout.ts, from
 * faker's locale data, MIT), the English given-name list (data/first-names.ts), the cue words in name-cues.ts
 * and the stop words of ~40 languages (data/stop-words.ts, from stopwords-iso, MIT).
 */
import { AMBIGUOUS_FIRST_NAMES, FIRST_NAMES } from '../data/first-names.js';
import { AMBIGUOUS_NAMES, GIVEN_NAMES, SURNAMES } from '../data/name-lists.js';
import { HELD_OUT_AMBIGUOUS_NAMES, HELD_OUT_GIVEN_NAMES, HELD_OUT_SURNAMES } from '../data/name-lists-heldout.js';
import { STOP_WORDS } from '../data/stop-words.js';
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
  /** A function word of some language (stopwords-iso, data/stop-words.ts): "und", "که", "של", "से". */
  StopWord: 128,
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
  const values = new Uint16Array(capacity);
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
 * Which multilingual lists a lexicon holds: `all` (what the product ships: the train part and the held-out
 * quarter of the seeded split, data/name-lists-heldout.ts) or `train` (data/name-lists.ts alone: what the
 * model is trained with, and what the bench uses to measure names no list holds).
 */
export type NameLists = 'all' | 'train';

export interface NameLexiconOptions {
  lists?: NameLists;
  /**
   * Drops given names and surnames (never cue words): training uses it to hide a share of the names, so the
   * model learns to find names no list holds from their context and spelling instead of leaning on the list alone.
   */
  keepName?: (word: string) => boolean;
}

export function buildNameLexicon(options: NameLexiconOptions = {}): Lexicon {
  const keepName = options.keepName ?? (() => true);
  const names = (s: string): string[] => split(s).filter(keepName);
  const heldOut = options.lists !== 'train';
  // The English given-name list predates the stop words: a name there that is a function word of some
  // language ("de", "dan", "del") is ambiguous, as the multilingual lists' are (scripts/names/build-name-lists.ts).
  const stopWords = new Set(split(STOP_WORDS));
  const firstNames = names(FIRST_NAMES);
  return buildLexicon([
    [firstNames.filter((w) => !stopWords.has(w)), Lex.Given],
    [firstNames.filter((w) => stopWords.has(w)), Lex.AmbiguousGiven],
    [names(AMBIGUOUS_FIRST_NAMES), Lex.AmbiguousGiven],
    [names(GIVEN_NAMES), Lex.Given],
    [names(SURNAMES), Lex.Surname],
    [names(AMBIGUOUS_NAMES), Lex.AmbiguousGiven],
    [heldOut ? names(HELD_OUT_GIVEN_NAMES) : [], Lex.Given],
    [heldOut ? names(HELD_OUT_SURNAMES) : [], Lex.Surname],
    [heldOut ? names(HELD_OUT_AMBIGUOUS_NAMES) : [], Lex.AmbiguousGiven],
    [TITLE_WORDS, Lex.Title],
    [NAME_CUE_WORDS, Lex.NameCue],
    [PLACE_OR_ORG_WORDS, Lex.PlaceOrOrg],
    [NOT_NAME_WORDS, Lex.NotName],
    [split(STOP_WORDS), Lex.StopWord],
  ]);
}

let lists: NameLists = 'all';
const built: Partial<Record<NameLists, Lexicon>> = {};

/**
 * Chooses the lists nameLexicon() serves from now on: `all` (the default, what the product uses) or `train`
 * (evaluation only: `npm run bench:pii` measures names no list holds with it). Returns the previous choice.
 */
export function useNameLists(choice: NameLists): NameLists {
  const previous = lists;
  lists = choice;
  return previous;
}

/** The lexicon of the chosen lists (all of them unless useNameLists said otherwise), built once each. */
export function nameLexicon(): Lexicon {
  let lexicon = built[lists];
  if (lexicon === undefined) {
    lexicon = buildNameLexicon({ lists });
    built[lists] = lexicon;
  }
  return lexicon;
}

/** Whether any word of `text` (split on spaces, `_`, `-`, `.`) is a listed given name or surname. */
export function holdsListedName(text: string): boolean {
  const lexicon = nameLexicon();
  for (const word of text.toLowerCase().split(/[\s_.-]+/)) {
    if (word.length > 0 && (lexicon.bits(hashString(word)) & (Lex.Given | Lex.AmbiguousGiven | Lex.Surname)) !== 0) return true;
  }
  return false;
}
