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
import { valuesAfterCues } from './cue-value.js';

const CUE =
  /(?<![\p{L}])(?:passports?|passport[ -]?(?:no|nr|number|#)|reisepass(?:nummer|nr)?|passnummer|pass[ -]?nr|passeport|pasaporte|passaporto|paspoort(?:nummer|nr)?|passaporte|paszport)(?![\p{L}])/giu;
const VALUE = /[A-Za-z0-9]{6,10}(?![\p{L}\p{N}])/uy;
const HAS_CUE = /pas[sz]|pasap|paspo/i;

export function detectPassports(text: string): PiiFinding[] {
  if (!HAS_CUE.test(text)) return [];
  const findings: PiiFinding[] = [];
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
