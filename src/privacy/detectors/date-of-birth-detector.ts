/**
 * Dates of birth: a full date (numeric or with a month name) preceded by a birth cue ("born", "DOB",
 * "date of birth", "birthday"). A date alone is not personal data, so dates without a cue are not reported.
 */
import type { PiiFinding } from '../pii-finding.js';
import { hasContextBefore, matchesOf } from './context-words.js';

const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DAY = '(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?';
const DATE = new RegExp(
  [
    '(?<!\\d)(?:\\d{1,2}[/.\\-]\\d{1,2}[/.\\-](?:\\d{4}|\\d{2})|\\d{4}[/.\\-]\\d{1,2}[/.\\-]\\d{1,2})(?![\\d/.\\-]\\d)',
    `\\b${DAY}(?: of)? ${MONTH},? \\d{4}\\b`,
    `\\b${MONTH} ${DAY},? \\d{4}\\b`,
  ].join('|'),
  'gi',
);
const CUE = /\b(?:born|birth|birthdate|birthday|dob|d\.o\.b|geboren|née?|nacid[oa]|date de naissance)\b/i;

export function detectDatesOfBirth(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(DATE, text)) {
    if (!hasContextBefore(text, m.index, CUE, 50)) continue;
    findings.push({ type: 'DATE_OF_BIRTH', start: m.index, end: m.index + m[0].length, confidence: 0.85 });
  }
  return findings;
}
