/**
 * Given names and surnames per faker locale, split into a train part (what the shipped lists and the name
 * model are built from) and a held-out test part (what test/pii/planted-names.ts plants), by a seeded hash
 * of the lowercased name, so a name is on the same side in every locale. Build and test time only: the
 * product never imports faker (MIT, https://github.com/faker-js/faker).
 */
import { allLocales } from '@faker-js/faker';
import { hashString } from '../../src/privacy/names/name-tokens.js';

export type NameOrder = 'given-first' | 'surname-first';
export interface LocaleNames {
  locale: string;
  given: string[];
  surnames: string[];
  /** How a full name is written: "Anna Novák", or surname first as in Chinese, Japanese, Korean, Vietnamese, Hungarian. */
  order: NameOrder;
  /** Between the parts of a full name: a space, or nothing (Chinese, Korean; Japanese both). */
  joiners: string[];
}

/** Locales whose person data is good enough to plant (a few have only a handful of names or Latin placeholders). */
export const NAME_LOCALES = [
  'af_ZA',
  'ar',
  'az',
  'cs_CZ',
  'da',
  'de',
  'de_CH',
  'el',
  'en',
  'en_AU',
  'en_GH',
  'en_IN',
  'en_NG',
  'en_ZA',
  'es',
  'es_MX',
  'fa',
  'fi',
  'fr',
  'fr_BE',
  'fr_SN',
  'he',
  'hr',
  'hu',
  'hy',
  'id_ID',
  'it',
  'ja',
  'ka_GE',
  'ko',
  'ku_ckb',
  'lv',
  'mk',
  'nb_NO',
  'ne',
  'nl',
  'pl',
  'pt_BR',
  'pt_PT',
  'ro',
  'ru',
  'sk',
  'sl_SI',
  'sr_RS_latin',
  'sv',
  'th',
  'tr',
  'uk',
  'ur',
  'uz_UZ_latin',
  'vi',
  'yo_NG',
  'zh_CN',
  'zh_TW',
  'zu_ZA',
] as const;

const SURNAME_FIRST = new Set(['zh_CN', 'zh_TW', 'ja', 'ko', 'vi', 'hu']);
const NO_SPACE = new Set(['zh_CN', 'zh_TW', 'ko']);

/** A well-mixed 32-bit hash (FNV-1a's low bits barely change between similar strings, e.g. Hangul names). */
export function seededHash(s: string): number {
  let h = hashString(s);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 1 in 4 names is held out. */
export function isHeldOut(name: string): boolean {
  return seededHash(`names-v1:${name.toLowerCase()}`) % 4 === 0;
}

function values(x: unknown): string[] {
  if (Array.isArray(x)) return x.filter((v): v is string => typeof v === 'string');
  if (x !== null && typeof x === 'object') return Object.values(x).flatMap(values);
  return [];
}

const clean = (names: string[]): string[] => [...new Set(names.map((n) => n.trim().replace(/\u200c$/u, '')).filter((n) => n.length > 0 && !/[{}#\d]/.test(n)))];

export function localeNames(part: 'train' | 'test' | 'all'): LocaleNames[] {
  const keep = (n: string): boolean => part === 'all' || (part === 'test') === isHeldOut(n);
  const out: LocaleNames[] = [];
  for (const locale of NAME_LOCALES) {
    const person = (allLocales as Record<string, { person?: { first_name?: unknown; last_name?: unknown } }>)[locale]?.person;
    if (!person) continue;
    const given = clean(values(person.first_name)).filter(keep);
    const surnames = clean(values(person.last_name)).filter(keep);
    if (given.length === 0 || surnames.length === 0) continue;
    out.push({
      locale,
      given,
      surnames,
      order: SURNAME_FIRST.has(locale) ? 'surname-first' : 'given-first',
      joiners: NO_SPACE.has(locale) ? [''] : locale === 'ja' ? ['', ' '] : [' '],
    });
  }
  return out;
}

/**
 * Words of a locale that are not people, for negatives: places, streets, product and company words,
 * months and weekdays, and ordinary words (faker's word and lorem lists, which for most locales are real
 * words of the language). Split like the names, so the test's negatives are not the training's.
 */
export function localeNonNames(locale: string, part: 'train' | 'test' | 'all' = 'all'): string[] {
  const def = (allLocales as Record<string, Record<string, Record<string, unknown> | undefined>>)[locale];
  const pick = (section: string, key?: string): string[] =>
    clean(values(key === undefined ? def?.[section] : def?.[section]?.[key])).filter((v) => !v.includes('{'));
  const keep = (n: string): boolean => part === 'all' || (part === 'test') === isHeldOut(`other:${n}`);
  return [
    ...pick('location', 'city_name'),
    ...pick('location', 'state'),
    ...pick('location', 'country'),
    ...pick('location', 'street_name'),
    ...pick('commerce', 'department'),
    ...pick('commerce', 'product_name'),
    ...pick('company', 'category'),
    ...pick('date', 'month'),
    ...pick('date', 'weekday'),
    ...pick('color', 'human'),
    ...pick('animal'),
  ].filter(keep);
}

/** Ordinary words of a locale (faker's word lists, else its lorem words when they are the language's own). */
export function localeWords(locale: string, part: 'train' | 'test' | 'all' = 'all'): string[] {
  const def = (allLocales as Record<string, Record<string, Record<string, unknown> | undefined>>)[locale];
  const keep = (n: string): boolean => part === 'all' || (part === 'test') === isHeldOut(`word:${n}`);
  const words = clean([...values(def?.word), ...(locale.startsWith('en') ? [] : values(def?.lorem?.word))]);
  return words.filter((w) => !/^[a-z]+$/.test(w) || locale.startsWith('en') || !LATIN_LOREM.has(w)).filter(keep);
}
// Latin lorem ipsum, which several locales use as their lorem words: not words of those languages.
const LATIN_LOREM = new Set(
  values(
    (allLocales as Record<string, Record<string, Record<string, unknown> | undefined>>).base?.lorem?.word ??
      (allLocales as Record<string, Record<string, Record<string, unknown> | undefined>>).en?.lorem?.word,
  ),
);
