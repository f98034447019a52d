/**
 * Passport numbers. No country's passport number carries a check digit that can be verified from the
 * number alone, and their shapes (9 digits, 2 letters + 7 digits, …) are everyday codes too, so a number
 * counts only right after a passport cue in English, German, French, Spanish, Italian, Dutch or
 * Portuguese ("passport no.", "Reisepassnummer", "Pass-Nr.", "numéro de passeport", "pasaporte", "paspoort").
 * Plain "pass" is not a cue: "boarding pass 12AB34", "pass 123456 to the function".
 * The value: 6–10 letters and digits with at least one digit (and, when it has lowercase letters, at least
 * four digits, so "passport renewal" is not one), or nine consonant capitals (a German number may have no digit).
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';
import { valuesAfterCues } from './cue-value.js';

// Also Polish, Turkish, Russian and Ukrainian (any inflection: "numer paszportu", "номер паспорта"), and
// CJK and Korean, which have no word boundary to ask for (护照号码, パスポート番号, 旅券番号, 여권번호).
const CUE =
  /(?<![\p{L}])(?:passports?|passport[ -]?(?:no|nr|number|#)|reisepass(?:nummer|nr)?|passnummer|pass[ -]?nr|passeport|pasaporte|passaporto|paspoort(?:nummer|nr)?|passaporte|paszport\p{Ll}{0,3}|pasaport\p{Ll}{0,4}|паспорт\p{Ll}{0,3}|закордонн\p{Ll}{0,3} паспорт\p{Ll}{0,3})(?![\p{L}])|(?:护照|護照|パスポート|旅券|여권)(?:号码|號碼|号|番号|번호)?/giu;
const VALUE = /[A-Za-z0-9]{6,10}(?![\p{L}\p{N}])/uy;
// Printed in groups: "BW 902 2829", "C01X 00T4 7": letters and digits first, then groups with digits.
// A dash and more after the last group ("ZX-99-8811-Q") is a code of another shape: not taken in part.
const GROUPED_VALUE = /[A-Za-z0-9]{1,5}(?:[ -](?=[A-Za-z]{0,2}\d)[A-Za-z0-9]{2,5}){1,3}(?![\p{L}\p{N}]|-[\p{L}\p{N}])/uy;
// The second line of a passport's machine-readable zone (ICAO 9303 TD3): number, check digit, nationality,
// birth date, sex, expiry … 44 characters. The whole line is personal data; so is the first (P<, the name).
const MRZ = /(?<![A-Z0-9<])(?:P[A-Z<][A-Z<]{3}[A-Z<]{39}|[A-Z0-9<]{9}\d[A-Z<]{3}\d{6}\d[MFX<]\d{6}\d[A-Z0-9<]{14}[\d<]\d)(?![A-Z0-9<])/g;
const HAS_CUE = /pas[sz]|pasap|paspo|pasaport|паспорт|护照|護照|パスポート|旅券|여권/i;

export function detectPassports(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  if (text.includes('<<'))
    for (const m of matchesOf(MRZ, text)) findings.push({ type: 'PASSPORT', start: m.index, end: m.index + m[0].length, confidence: 0.95 });
  if (!HAS_CUE.test(text)) return findings;
  for (const v of valuesAfterCues(text, CUE, GROUPED_VALUE, 30)) {
    const digits = v.compact.replace(/\D/g, '').length;
    if (v.compact.length < 6 || v.compact.length > 10 || digits < 4) continue;
    findings.push({ type: 'PASSPORT', start: v.start, end: v.end, confidence: 0.85 });
  }
  for (const v of valuesAfterCues(text, CUE, VALUE, 30)) {
    const digits = v.compact.replace(/\D/g, '').length;
    // German passport numbers use consonants and digits only, so one may have no digit at all: nine
    // vowel-less capitals after a passport cue are one (no word of these languages looks like that).
    const germanLetters = v.compact.length === 9 && /^[CFGHJKLMNPRTVWXYZ]+$/.test(v.compact);
    if ((digits === 0 && !germanLetters) || (/[a-z]/.test(v.compact) && digits < 4)) continue;
    findings.push({ type: 'PASSPORT', start: v.start, end: v.end, confidence: 0.9 });
  }
  return findings;
}
