/**
 * IBANs: country code, two check digits and a country-specific number of characters, validated with the
 * ISO 13616 mod-97 check. The per-country length tells where the IBAN ends when words follow it.
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';

const LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

// "DE89 3704…", "DE 89 3704…" and "DE89-3704-…": one space or dash between groups.
const START = /(?<![A-Za-z0-9])([A-Za-z]{2})[ ]?(\d{2})(?=[ -]?[A-Za-z0-9])/g;

export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

export function detectIbans(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(START, text)) {
    const country = (m[1] ?? '').toUpperCase();
    const length = LENGTHS[country];
    if (length === undefined) continue;
    // Collect `length` alphanumerics, allowing single spaces between groups as printed IBANs have.
    let compact = country + (m[2] ?? '');
    let i = m.index + m[0].length;
    while (i < text.length && compact.length < length) {
      const ch = text[i] ?? '';
      if (/[A-Za-z0-9]/.test(ch)) compact += ch.toUpperCase();
      else if ((ch !== ' ' && ch !== '-') || !/[A-Za-z0-9]/.test(text[i - 1] ?? '')) break;
      i++;
    }
    if (compact.length !== length || /[A-Za-z0-9]/.test(text[i] ?? '')) continue;
    if (!ibanValid(compact)) continue;
    findings.push({ type: 'IBAN_CODE', start: m.index, end: i, confidence: 0.95 });
    START.lastIndex = i;
  }
  return findings;
}
