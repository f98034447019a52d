/**
 * Builds the multilingual given-name and surname lists the name model ships with (nothing is downloaded at
 * run time), from faker's locale data (MIT), in two modules along the seeded split in faker-names.ts:
 * src/privacy/data/name-lists.ts holds the train part (what the model is trained with), and
 * src/privacy/data/name-lists-heldout.ts the rest (the held-out quarter, which test/pii/planted-names.ts
 * plants). The product loads both; the bench can load the train part alone (name-lexicon.ts,
 * `useNameLists('train')`) to measure names no list holds.
 *
 * Also writes src/privacy/data/stop-words.ts: the function words of the languages the name model covers,
 * from stopwords-iso (MIT), a lexicon class of its own (Lex.StopWord) that tells the model "a word of the
 * sentence, not a name" in scripts where case cannot (Persian, Hebrew, Devanagari …). A stop word that is
 * also a listed name keeps the stop-word class.
 *
 * A list word that is also an ordinary lowercase English word in the en_US Hunspell dictionary (dictionary-en,
 * MIT AND BSD: "garden", "human", "hold", "rose"), a stop word ("de", "van", "ali", "hans") or a one-word
 * place, product or animal of faker's train part ("paris", "dallas") goes to each module's ambiguous list
 * instead (Lex.AmbiguousGiven, as data/first-names.ts does), which the model trusts less: "olive garden" is
 * a restaurant, "De trein" a train.
 *
 * Usage: npx tsx scripts/names/build-name-lists.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Script, isCharTokenScript, scriptOf } from '../../src/privacy/names/script-class.js';
import { NAME_LOCALES, isHeldOut, localeNames, localeNonNames } from './faker-names.js';

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '../../src/privacy/data/name-lists.ts');
const heldOutTarget = join(here, '../../src/privacy/data/name-lists-heldout.ts');
const stopWordsTarget = join(here, '../../src/privacy/data/stop-words.ts');

/** The words of a list entry that can stand alone as a name: "van der Berg" gives "berg", "Anh Vũ" gives both. */
function words(entry: string): string[] {
  return entry
    .split(/[\s\u200c]+/u)
    .filter((w) => w.length > 0 && !/^\p{Ll}/u.test(w) && /^[\p{L}\p{M}'’.-]+$/u.test(w))
    .map((w) => w.toLowerCase());
}

function collect(part: 'train' | 'all'): { given: Set<string>; surnames: Set<string>; locales: string[] } {
  const given = new Set<string>();
  const surnames = new Set<string>();
  const locales: string[] = [];
  // In the train part, a word of a train entry that is itself a held-out name ("Franco" in "Gian Franco") stays out too.
  const keep = (w: string): boolean => part === 'all' || !isHeldOut(w);
  for (const l of localeNames(part)) {
    locales.push(l.locale);
    for (const n of l.given) for (const w of words(n)) if (keep(w)) given.add(w);
    for (const n of l.surnames) for (const w of words(n)) if (keep(w)) surnames.add(w);
  }
  return { given, surnames, locales };
}

// stopwords-iso languages of the name model's locales (Nepali has no list: Hindi and Marathi stand in for
// Devanagari; Bulgarian for Macedonian and Serbian Cyrillic).
const STOP_WORD_LANGUAGES = [
  'af',
  'ar',
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'fa',
  'fi',
  'fr',
  'he',
  'hi',
  'hr',
  'hu',
  'hy',
  'id',
  'it',
  'ja',
  'ko',
  'lv',
  'mr',
  'nl',
  'no',
  'pl',
  'pt',
  'ro',
  'ru',
  'sk',
  'sl',
  'sv',
  'th',
  'tr',
  'uk',
  'ur',
  'vi',
  'yo',
  'zh',
  'zu',
] as const;
/** Lowercase words of the en_US Hunspell dictionary (capitalised entries are proper names), with plurals. */
function englishWords(): Set<string> {
  const dic = readFileSync(join(here, '../../node_modules/dictionary-en/index.dic'), 'utf8');
  const out = new Set<string>();
  for (const line of dic.split('\n').slice(1)) {
    const [stem = '', flags = ''] = line.trim().split('/');
    if (!/^[a-z]+$/.test(stem)) continue;
    out.add(stem);
    if (flags.includes('S')) out.add(/[^aeiou]y$/.test(stem) ? `${stem.slice(0, -1)}ies` : /(s|x|z|ch|sh)$/.test(stem) ? `${stem}es` : `${stem}s`);
  }
  return out;
}
const english = englishWords();
const stopWords = collectStopWords();
// One-word places, products, colours and animals of faker's locales, train part only (the held-out part is
// the planted test's negatives): "Paris", "Dallas", "Amber".
const places = new Set(
  NAME_LOCALES.flatMap((l) => localeNonNames(l, 'train'))
    .filter((w) => !/\s/.test(w))
    .map((w) => w.toLowerCase()),
);
/** A list word that is also an ordinary English word, a function word of some language or a place: trusted less. */
const isWord = (w: string): boolean => english.has(w) || stopWords.has(w) || places.has(w);

const train = collect('train');
const all = collect('all');
// The held-out module holds what the full lists add to the train part, per class.
const minus = (a: Set<string>, b: Set<string>): Set<string> => new Set([...a].filter((w) => !b.has(w)));
const heldOutGiven = minus(all.given, train.given);
const heldOutSurnames = minus(all.surnames, train.surnames);
const sorted = (s: Set<string>): string => [...s].sort().join(' ');
const clear = (s: Set<string>): string => sorted(new Set([...s].filter((w) => !isWord(w))));
const ambiguous = (...sets: Array<Set<string>>): Set<string> => new Set(sets.flatMap((s) => [...s].filter(isWord)));
const trainAmbiguous = ambiguous(train.given, train.surnames);
const heldOutAmbiguous = minus(ambiguous(heldOutGiven, heldOutSurnames), trainAmbiguous);
const header = (part: string): string => `// Generated by scripts/names/build-name-lists.ts; do not edit by hand.
// Given names and surnames from the locale data of @faker-js/faker 10.6.0 (MIT License, Copyright (c) 2022-2025
// Faker, https://github.com/faker-js/faker/blob/next/LICENSE), ${part}.
// Locales: ${all.locales.join(' ')}.`;
writeFileSync(
  target,
  `${header('the train part of a seeded split (the name model is trained with these only)')}
/** Given names in many scripts, lowercase, space-separated (CJK names whole). */
export const GIVEN_NAMES = ${JSON.stringify(clear(train.given))};
/** Surnames in many scripts, lowercase, space-separated (CJK surnames whole). */
export const SURNAMES = ${JSON.stringify(clear(train.surnames))};
/** Given names and surnames that are also ordinary English words ("rose", "garden"), lowercase, space-separated. */
export const AMBIGUOUS_NAMES = ${JSON.stringify(sorted(trainAmbiguous))};
`,
);
writeFileSync(
  heldOutTarget,
  `${header('the held-out part of a seeded split: shipped, never used in training (name-lists.ts holds the rest)')}
/** Given names in many scripts not in name-lists.ts, lowercase, space-separated (CJK names whole). */
export const HELD_OUT_GIVEN_NAMES = ${JSON.stringify(clear(heldOutGiven))};
/** Surnames in many scripts not in name-lists.ts, lowercase, space-separated (CJK surnames whole). */
export const HELD_OUT_SURNAMES = ${JSON.stringify(clear(heldOutSurnames))};
/** Given names and surnames not in name-lists.ts that are also ordinary English words, lowercase, space-separated. */
export const HELD_OUT_AMBIGUOUS_NAMES = ${JSON.stringify(sorted(heldOutAmbiguous))};
`,
);
console.log(
  `train: ${train.given.size} given names, ${train.surnames.size} surnames (${trainAmbiguous.size} also words or places); held out: ` +
    `${heldOutGiven.size} given names, ${heldOutSurnames.size} surnames (${heldOutAmbiguous.size} also words or places); from ${all.locales.length} locales`,
);

function collectStopWords(): Set<string> {
  const stopwords = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
  const out = new Set<string>();
  for (const language of STOP_WORD_LANGUAGES) {
    for (const raw of stopwords[language] ?? []) {
      const w = raw.trim().toLowerCase();
      if (w.length === 0 || !/^[\p{L}\p{M}'’]+$/u.test(w)) continue;
      // Han, kana and Hangul are looked up one character at a time (name-tokens.ts): longer entries never match.
      if (isCharTokenScript(scriptOf(w.charCodeAt(0)) as Script) && [...w].length > 1) continue;
      out.add(w);
    }
  }
  return out;
}
writeFileSync(
  stopWordsTarget,
  `// Generated by scripts/names/build-name-lists.ts; do not edit by hand.
// Stop words of ${STOP_WORD_LANGUAGES.length} languages from stopwords-iso 1.1.0 (MIT License, Gene Diaz,
// https://github.com/stopwords-iso/stopwords-iso): ${STOP_WORD_LANGUAGES.join(' ')}.
// Single words of letters only; in Han, kana and Hangul single characters only.
/** Function words of many languages, lowercase, space-separated. */
export const STOP_WORDS = ${JSON.stringify([...stopWords].sort().join(' '))};
`,
);
console.log(`${stopWords.size} stop words from ${STOP_WORD_LANGUAGES.length} languages`);
