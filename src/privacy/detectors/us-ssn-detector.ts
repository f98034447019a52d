/**
 * US Social Security numbers: AAA-GG-SSSS (or spaced), excluding ranges the SSA never issues
 * (area 000, 666, 900-999; group 00; serial 0000). Nine bare digits count after an SSN cue ("SSN",
 * "social security", "soc. sec. no."), or, at lower confidence, near other personal data (a date, an
 * e-mail address, "DOB", "name", "address" within 60 characters): a record that lists a birth date and
 * then nine digits is an identity record, not an order number.
 */
import type { PiiFinding } from '../pii-finding.js';
import { hasContextBefore, matchesOf } from './context-words.js';

// Dashes, spaces, dots or " - " ("123-45-6789", "123.45.6789", "123 - 45 - 6789"); other dashes are read as `-`.
const GROUPED = /(?<![\d-])(\d{3})( - |[- .])(\d{2})\2(\d{4})(?![\d-]|\.\d)/g;
const BARE = /(?<![\d.,])(\d{3})(\d{2})(\d{4})(?!\d|[.,]\d)/g;
const CUE = /\b(?:ssn|ssns|social security|social sec|soc\.? ?sec|ss#|ss #|ss no|tin|taxpayer id)/i;
const NEAR_PII =
  /@[\w-]+\.\w|\b(?:dob|d\.o\.b|born|birth|birthday|name|full name|address|addr|e-?mail|phone|passport|driver'?s licen[cs]e|patient|applicant|payroll|w-?2|w-?4|w-?9|1099)\b|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b/i;

function plausible(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

export function detectUsSsns(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(GROUPED, text)) {
    if (!plausible(m[1] ?? '', m[3] ?? '', m[4] ?? '')) continue;
    const cue = hasContextBefore(text, m.index, CUE, 50);
    const confidence = m[2] === '-' || m[2] === ' - ' ? (cue ? 0.95 : 0.8) : cue ? 0.9 : m[2] === '.' ? 0.45 : 0.5;
    findings.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, confidence });
  }
  for (const m of matchesOf(BARE, text)) {
    if (!plausible(m[1] ?? '', m[2] ?? '', m[3] ?? '')) continue;
    const end = m.index + m[0].length;
    if (hasContextBefore(text, m.index, CUE, 40)) {
      findings.push({ type: 'US_SSN', start: m.index, end, confidence: 0.85 });
    } else if (NEAR_PII.test(text.slice(Math.max(0, m.index - 60), m.index)) || NEAR_PII.test(text.slice(end, end + 60))) {
      findings.push({ type: 'US_SSN', start: m.index, end, confidence: 0.65 });
    }
  }
  return findings;
}
