/**
 * Dates of birth: a full date, numeric ("14.10.1985", "1985-10-14", "19851014") or with a month name in
 * English, German, French, Spanish, Italian, Dutch or Portuguese ("14-Oct-1985", "14. Oktober 1985",
 * "14 de octubre de 1985", "1er mars 1990"), with a birth cue in one of those languages before it ("DOB:",
 * "Geburtsdatum:", "né le", "fecha de nacimiento:") or just after it ("… is my date of birth", "… geboren").
 * A date alone is not personal data (a meeting, an invoice), so a date without a birth cue is not reported;
 * a cue before the date scores 0.9, one after it 0.8. A text with no birth cue at all skips the date scan.
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';
import { monthNumber } from './month-names.js';

// Numeric dates; an ISO date may carry a time of day ("1985-10-14T00:00:00Z", a JSON dob), kept in the span.
// Eight bare digits: yyyymmdd, ddmmyyyy or mmddyyyy (numericValid decides).
const NUMERIC =
  /(?<![\d.,/-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{8})(?!\d|[/.-]\d)/g;
// Roman-numeral months ("27.XII.1946", "3 VI 1976") and CJK dates ("1985年5月3日", "1985년 5월 3일").
const ROMAN_MONTH = /(?<![\p{L}\p{N}])(\d{1,2})(?:\.[ ]?|[ /-])(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?:\.[ ]?|[ /-])(\d{4})(?![\p{L}\p{N}])/gu;
const ROMAN_NUMBER: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5, VI: 6, VII: 7, VIII: 8, IX: 9, X: 10, XI: 11, XII: 12 };
const CJK_DATE = /(?<!\d)(\d{4})[ ]?[年년][ ]?(\d{1,2})[ ]?[月월][ ]?(\d{1,2})[ ]?[日일]?/gu;
// Day first: "14-Oct-1985", "8. Sep. 1958", "20th of June 1976", "12 de abril de 1970", "22.mei.1937", "14 Oct '85".
const DAY_FIRST =
  /(?<![\p{L}\p{N}])(\d{1,2})(?:st|nd|rd|th|er|\.?º|\.?°|\.?ª)?(?:\.[ ]*|[ ]+(?:(?:of|de)[ ]+)?|[-/])(\p{L}{3,10})\.?(?:[ ]+de[ ]+|,?[ ]+|[-./])['’]?(\d{4}|\d{2})(?![\p{L}\p{N}])/giu;
// Month first: "April 27, 2003", "Apr. 27 1999".
const MONTH_FIRST = /(?<![\p{L}\p{N}])(\p{L}{3,10})\.?[ ]+(\d{1,2})(?:st|nd|rd|th)?,?[ ]+(\d{4})(?!\d)/giu;

const CUE_WORDS =
  'born|birth|birthdate|birthday|birth date|date of birth|dob|d\\.o\\.b\\.?|geboren|geb\\.|geburtsdatum|geburtstag|geb\\.-datum|né|née|né\\(e\\)|naissance|nacid[oa]|nací|nacimiento|f\\. ?nac\\.?|nat[oa] il|nascita|geboortedatum|nascid[oa]|nasci|nascimento' +
  // Polish, Swedish, Danish/Norwegian, Finnish, Czech, Turkish, Hungarian, Romanian.
  '|data urodzenia|urodzon[ya]|urodził(?:a|em|am)?|födelsedatum|född|fødselsdato|født|syntymäaika|syntynyt|datum narození|narozen[aá]?|doğum tarihi|születési (?:dátum|idő)|született|data nașterii|data de naștere|născut[ăa]?';
// "b. 1985-10-14", "b. Mar. 6 1985" (born), but not the "B." of "Apt 4B." or of an initial ("J. B. Smith").
// Scripts without spaces between words have no word boundary to ask for: 生年月日, 出生日期, 생년월일.
const CJK_CUES = '生年月日|出生日期|出生年月日|誕生日|生日|생년월일|출생일|дата рождения|родил(?:ся|ась)';
const CUE_ANYWHERE = new RegExp(
  `(?<![\\p{L}])(?:${CUE_WORDS}|(?<![\\p{N}])b\\.(?=[ *"'(\\[«“\`]{0,3}(?:\\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))(?![\\p{L}])|${CJK_CUES}`,
  'iu',
);
const CUE_GLOBAL = new RegExp(CUE_ANYWHERE.source, 'giu');
// The longest date the patterns match ("20th of September 1976", "12 de septiembre de 1970") is under 30.
const MAX_DATE_LENGTH = 32;
const CUE_BEFORE = CUE_ANYWHERE;
// German and Dutch put the verb last: "am 15. Oktober 1976 in Köln geboren", so a place may stand between.
const CUE_AFTER = new RegExp(
  `^[\\s,;:)\\]"'»”*\`]{0,4}(?:(?:in|im|zu|te|bei|en|à|a|em)[ ]+\\p{Lu}[\\p{L}\\p{M}'’.-]*(?:[ ]+\\p{Lu}[\\p{L}\\p{M}'’.-]*)?[ ]+)?(?:(?:is|was|ist|est|es|è|é|is mijn|as)[ ]+)?(?:my |mein |meine |ma |mi |mio |mijn |minha )?(?:${CUE_WORDS})(?![\\p{L}])`,
  'iu',
);

function plausibleYear(year: number): boolean {
  return year >= 1900 && year <= new Date().getUTCFullYear();
}

/** Day, month and year of a numeric date in any of the orders people write (d/m/y, m/d/y, y-m-d, yyyymmdd). */
function numericValid(input: string): boolean {
  // A time of day after an ISO date is not part of the date's check.
  const raw = input.replace(/T.*$/, '');
  if (/^\d{8}$/.test(raw)) {
    const n = (from: number): number => Number(raw.slice(from, from + 2));
    const ymd = plausibleYear(Number(raw.slice(0, 4))) && n(4) >= 1 && n(4) <= 12 && n(6) >= 1 && n(6) <= 31;
    const year = plausibleYear(Number(raw.slice(4, 8)));
    const dmy = year && n(0) >= 1 && n(0) <= 31 && n(2) >= 1 && n(2) <= 12;
    const mdy = year && n(0) >= 1 && n(0) <= 12 && n(2) >= 1 && n(2) <= 31;
    return ymd || dmy || mdy;
  }
  const parts = raw.split(/[/.-]/).map(Number);
  const [a = 0, b = 0, c = 0] = parts;
  if ((raw.split(/[/.-]/)[0] ?? '').length === 4) return plausibleYear(a) && b >= 1 && b <= 12 && c >= 1 && c <= 31;
  const dayMonth = a >= 1 && a <= 31 && b >= 1 && b <= 12;
  const monthDay = a >= 1 && a <= 12 && b >= 1 && b <= 31;
  return (dayMonth || monthDay) && (c < 100 || plausibleYear(c));
}

function hasCue(text: string, start: number, end: number): 0 | 1 | 2 {
  // The date's first characters too, so "b." sees the digit or month its lookahead asks for.
  if (CUE_BEFORE.test(text.slice(Math.max(0, start - 50), start + 3))) return 2;
  return CUE_AFTER.test(text.slice(end, end + 40)) ? 1 : 0;
}

/**
 * Stretches of text within reach of a birth cue: a date counts only within 50 characters after a cue or 40
 * before one, so only these are scanned for dates (the date patterns try every word of a text otherwise).
 */
function cueWindows(text: string): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (const m of matchesOf(CUE_GLOBAL, text)) {
    let from = Math.max(0, m.index - 40 - MAX_DATE_LENGTH);
    let to = Math.min(text.length, m.index + m[0].length + 50 + MAX_DATE_LENGTH);
    // Out to whitespace, so no date is cut at a window's edge into a shorter one.
    while (from > 0 && !/\s/.test(text[from - 1] ?? ' ')) from--;
    while (to < text.length && !/\s/.test(text[to] ?? ' ')) to++;
    const last = windows[windows.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else windows.push([from, to]);
  }
  return windows;
}

export function detectDatesOfBirth(text: string): PiiFinding[] {
  if (!CUE_ANYWHERE.test(text)) return [];
  const findings: PiiFinding[] = [];
  const seen = new Set<number>();
  const report = (start: number, end: number): void => {
    if (seen.has(start)) return;
    const cue = hasCue(text, start, end);
    if (cue === 0) return;
    seen.add(start);
    findings.push({ type: 'DATE_OF_BIRTH', start, end, confidence: cue === 2 ? 0.9 : 0.8 });
  };
  for (const [from, to] of cueWindows(text)) {
    const slice = text.slice(from, to);
    for (const m of matchesOf(NUMERIC, slice)) if (numericValid(m[0])) report(from + m.index, from + m.index + m[0].length);
    for (const m of matchesOf(DAY_FIRST, slice)) {
      const day = Number(m[1]);
      const year = Number(m[3]);
      if (day < 1 || day > 31 || monthNumber(m[2] ?? '') === 0 || ((m[3] ?? '').length === 4 && !plausibleYear(year))) continue;
      report(from + m.index, from + m.index + m[0].length);
    }
    for (const m of matchesOf(ROMAN_MONTH, slice)) {
      const day = Number(m[1]);
      if (day < 1 || day > 31 || !ROMAN_NUMBER[m[2] ?? ''] || !plausibleYear(Number(m[3]))) continue;
      report(from + m.index, from + m.index + m[0].length);
    }
    for (const m of matchesOf(CJK_DATE, slice)) {
      const month = Number(m[2]);
      const day = Number(m[3]);
      if (month < 1 || month > 12 || day < 1 || day > 31 || !plausibleYear(Number(m[1]))) continue;
      report(from + m.index, from + m.index + m[0].length);
    }
    for (const m of matchesOf(MONTH_FIRST, slice)) {
      const day = Number(m[2]);
      if (day < 1 || day > 31 || monthNumber(m[1] ?? '') === 0 || !plausibleYear(Number(m[3]))) continue;
      report(from + m.index, from + m.index + m[0].length);
    }
  }
  return findings;
}
