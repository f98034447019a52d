/**
 * The name model's training sentences, each with the character spans of its person names:
 *  - generated: the train templates (train-templates.ts) filled with train-part faker names of 55 locales,
 *    with places, companies, brands and products as negatives, in several cases and positions;
 *  - Presidio's synthetic PII set, tuning half only (even template_id; the held-out half is never read);
 *  - Banking77's and CLINC150's train splits as ordinary requests without names (their test splits are the
 *    false-alarm benchmark and are never read).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { seededRandom } from '../../src/quality/eval/routing-metrics.js';
import { localeNames, localeNonNames, localeWords, type LocaleNames } from './faker-names.js';
import { LOCALE_LANGUAGE, NON_PERSON_WORDS, TRAIN_TEMPLATES } from './train-templates.js';

export interface Example {
  text: string;
  /** [start, end) of each person name. */
  spans: Array<[number, number]>;
  source: 'generated' | 'presidio' | 'benign';
  /** Which template made it (generated: the template text; Presidio: its template_id), so a dev set can hold whole templates out. */
  template: string;
  /** A request rewritten for training (Title Cased), not one as people write it (train-name-model.ts, --floor-without-title-case). */
  augmented?: boolean;
}

// The same mulberry32 the routing evaluation uses, so the corpus (and the shipped model) reproduce.
export { seededRandom };

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** A full name, a given name alone or a surname alone, written in the locale's order. */
export function personName(r: () => number, l: LocaleNames): string {
  const given = pick(r, l.given);
  const surname = pick(r, l.surnames);
  const joiner = pick(r, l.joiners);
  const x = r();
  if (x < 0.12) return given;
  if (x < 0.2) return surname;
  if (x < 0.26 && l.order === 'given-first' && l.joiners[0] === ' ') return `${given} ${pick(r, l.given)} ${surname}`;
  if (x < 0.32 && l.order === 'given-first' && /^\p{Lu}/u.test(surname)) {
    return `${given} ${surname[0]}${r() < 0.5 ? '.' : ''} ${pick(r, l.surnames)}`;
  }
  if (x < 0.35 && l.order === 'given-first' && /^\p{Lu}/u.test(surname) && /^\p{Lu}/u.test(given)) return `${given[0]}. ${surname}`;
  if (x < 0.39 && l.order === 'given-first' && /^\p{Lu}/u.test(surname)) return `${given} ${surname}-${pick(r, l.surnames)}`;
  return l.order === 'surname-first' ? `${surname}${joiner}${given}` : `${given}${joiner}${surname}`;
}

/** Fills a template, recording where each `{N}` went. */
export function fill(
  template: string,
  name: () => string,
  other: () => string,
  surname: () => string = other,
): { text: string; spans: Array<[number, number]> } {
  let text = '';
  const spans: Array<[number, number]> = [];
  const parts = template.split(/(\{N\}|\{C\}|\{S\})/);
  for (const p of parts) {
    if (p === '{S}') text += surname();
    else if (p === '{N}') {
      const n = name();
      spans.push([text.length, text.length + n.length]);
      text += n;
    } else if (p === '{C}') text += other();
    else text += p;
  }
  return { text, spans };
}

const CASED = /[A-Za-zÀ-ɏЀ-ӿͰ-Ͽ]/;

// The stopwords-iso list (MIT, a devDependency) of a faker locale's language, where it has one: Nepali
// borrows Hindi's (both Devanagari), Norwegian Bokmål is "no", Macedonian borrows Bulgarian.
const STOP_LANGUAGE: Record<string, string> = { nb: 'no', ne: 'hi', mk: 'bg', sr: 'hr' };
let stopLists: Record<string, string[]> | undefined;
export function localeStopWords(locale: string): string[] {
  stopLists ??= createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
  const base = locale.split('_')[0] ?? locale;
  const list = stopLists[STOP_LANGUAGE[base] ?? base] ?? [];
  const charTokens = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
  return list.filter((w) => /^[\p{L}\p{M}'’]+$/u.test(w) && (!charTokens.test(w) || [...w].length === 1));
}

/** Lowercased or uppercased as people type, keeping offsets (a character whose case changes length stays). */
export function recase(text: string, mode: 'lower' | 'upper'): string {
  let out = '';
  for (const ch of text) {
    const c = mode === 'lower' ? ch.toLowerCase() : ch.toUpperCase();
    out += c.length === ch.length ? c : ch;
  }
  return out;
}

export function generatedExamples(seed: number, perLocale: number, part: 'train' | 'test' = 'train'): Example[] {
  const r = seededRandom(seed);
  const out: Example[] = [];
  const englishOther = localeNonNames('en', part);
  const englishWords = localeWords('en', part);
  for (const l of localeNames(part)) {
    const language = LOCALE_LANGUAGE[l.locale];
    const own = language ? TRAIN_TEMPLATES[language] : undefined;
    const nonNames = localeNonNames(l.locale, part);
    const words = localeWords(l.locale, part);
    const stops = localeStopWords(l.locale);
    const other = (): string => {
      const x = r();
      if (x < 0.25) return pick(r, NON_PERSON_WORDS);
      if (nonNames.length > 0 && x < 0.8) return pick(r, nonNames);
      return pick(r, englishOther);
    };
    const en = TRAIN_TEMPLATES.en!;
    const joiner = l.joiners.includes('') && !l.joiners.includes(' ') ? '' : ' ';
    for (let k = 0; k < perLocale; k++) {
      // A tenth are runs of ordinary words of the language (faker's word lists) and its function words
      // (stopwords-iso), half of them with a name inside: the model meets far more of each language's
      // vocabulary than the templates hold, and learns that a function word is not a name in any script.
      if (r() < 0.1) {
        const vocabulary = words.length >= 20 ? words : englishWords;
        const word = (): string => (stops.length > 0 && r() < 0.4 ? pick(r, stops) : pick(r, vocabulary));
        const parts: string[] = Array.from({ length: 3 + Math.floor(r() * 6) }, word);
        if (r() < 0.3) parts.splice(Math.floor(r() * parts.length), 0, other());
        let text = '';
        const spans: Array<[number, number]> = [];
        const at = r() < 0.5 ? Math.floor(r() * (parts.length + 1)) : -1;
        for (let p = 0; p <= parts.length; p++) {
          if (p === at) {
            const n = personName(r, l);
            if (text.length > 0) text += joiner;
            spans.push([text.length, text.length + n.length]);
            text += n;
          }
          if (p < parts.length) text += (text.length > 0 ? joiner : '') + parts[p];
        }
        out.push({ text, spans, source: 'generated', template: `words:${l.locale}:${k % 7}` });
        continue;
      }
      const templates = own && r() < 0.65 ? own : en;
      const negative = r() < 0.3;
      const template = pick(r, negative ? templates.negative : templates.positive);
      let { text, spans } = fill(
        template,
        () => personName(r, l),
        other,
        () => pick(r, l.surnames),
      );
      // Two sentences in one request, either order, so names sit at the start, middle and end.
      if (r() < 0.3) {
        const second = fill(pick(r, templates === en || r() < 0.5 ? en.negative : templates.negative), () => personName(r, l), other);
        const sep = pick(r, [' ', '\n', ' - ', '. ']);
        if (r() < 0.5) {
          spans = spans.map(([a, b]) => [a + second.text.length + sep.length, b + second.text.length + sep.length]);
          text = second.text + sep + text;
        } else text = text + sep + second.text;
      }
      const y = r();
      if (CASED.test(text) && y < 0.2) text = recase(text, 'lower');
      else if (CASED.test(text) && y < 0.23) text = recase(text, 'upper');
      out.push({ text, spans, source: 'generated', template });
    }
  }
  return out;
}

interface PresidioRecord {
  full_text: string;
  template_id: number;
  spans: Array<{ entity_type: string; start_position: number; end_position: number }>;
}

export function presidioTuningExamples(path: string): Example[] {
  const records = JSON.parse(readFileSync(path, 'utf8')) as PresidioRecord[];
  return (
    records
      .filter((r) => r.template_id % 2 === 0)
      // NAME_DEV_SPLIT=1 trains on a quarter of the templates (template_id % 4 === 0) so the other even quarter
      // can show, during development, how the model does on templates it never saw without touching odd ones.
      .filter((r) => process.env.NAME_DEV_SPLIT !== '1' || r.template_id % 4 === 0)
      .map((r) => ({
        text: r.full_text,
        spans: r.spans.filter((s) => s.entity_type === 'PERSON').map((s): [number, number] => [s.start_position, s.end_position]),
        source: 'presidio' as const,
        template: `presidio:${r.template_id}`,
      }))
  );
}

// Requests that name someone ("call me bob", "under the name sara") are left out rather than taught as
// non-names; what remains is ordinary requests.
const NAMES_SOMEONE = /\b(?:my name|call me|name is|under the name|named|called me|i am [a-z]+ [a-z]+$)\b/i;

/** Text and label of each row of a two-column CSV ("text,category"). */
function csvRows(path: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/).slice(1)) {
    if (line.length === 0) continue;
    const m = /^"((?:[^"]|"")*)",(.*)$|^([^,]*),(.*)$/.exec(line);
    const text = m?.[1]?.replace(/""/g, '"') ?? m?.[3];
    if (text) rows.push([text, (m?.[2] ?? m?.[4] ?? '').trim()]);
  }
  return rows;
}

const titleCase = (t: string): string => t.replace(/(?<![\p{L}'’])\p{Ll}/gu, (c) => c.toUpperCase());

/**
 * Ordinary requests as they are, and a fifth of them Title Cased, so a capital alone is not taken for a name.
 * An example's template is its intent: the dev set holds whole intents out, since the requests of one intent
 * are paraphrases of each other and a dev request whose paraphrases were trained on says too little about
 * how often new requests get a false alarm.
 */
export function benignTrainExamples(banking77Train: string, clincFull: string): Example[] {
  const clinc = (JSON.parse(readFileSync(clincFull, 'utf8')) as { train: Array<[string, string]> }).train;
  return [
    ...csvRows(banking77Train).map(([t, intent]): [string, string] => [t, `banking77:${intent}`]),
    ...clinc.map(([t, intent]): [string, string] => [t, `clinc150:${intent}`]),
  ]
    .filter(([t]) => !NAMES_SOMEONE.test(t))
    .flatMap(([text, intent], i): Example[] => [
      { text, spans: [], source: 'benign', template: intent },
      ...(i % 5 === 0 ? [{ text: titleCase(text), spans: [], source: 'benign' as const, template: intent, augmented: true }] : []),
    ]);
}
