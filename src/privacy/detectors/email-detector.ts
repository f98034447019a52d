/**
 * E-mail addresses: a local part, `@`, and a domain with a letters-only (or `xn--`) top-level label, in any
 * script (`jürgen@bücher.de`). The `@` may be written as an HTML entity (`&#64;`, `&#x40;`) or percent-
 * encoded in a URL (`%40`), which a model reads as `@`; and "jane.doe [at] example [dot] com" with the
 * `at` and `dot` in brackets (plain-word "jane at example dot com" is not read: it is ordinary prose too).
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';

const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\p{M}-]{0,62}[\\p{L}\\p{N}\\p{M}])?';
const EMAIL = new RegExp(
  `[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}._%+-]{0,63}(?:@|&#0*64;|&#[xX]0*40;|%40)${LABEL}(?:\\.${LABEL})*\\.(?:xn--[a-z0-9-]{1,59}|\\p{L}{2,24})(?![\\p{L}\\p{N}\\p{M}_])`,
  'gu',
);
const AT = /@|&#|%40/;
const BRACKETED = new RegExp(
  `[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}._%+-]{0,63}[ ]?[[({<][ ]?at[ ]?[\\])}>][ ]?${LABEL}(?:(?:[ ]?[[({<][ ]?dot[ ]?[\\])}>][ ]?|\\.)${LABEL})+(?![\\p{L}\\p{N}\\p{M}_])`,
  'giu',
);

export function detectEmails(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  if (AT.test(text)) {
    for (const m of matchesOf(EMAIL, text)) {
      findings.push({ type: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, confidence: 0.95 });
    }
  }
  if (/[[({<] ?at ?[\])}>]/i.test(text)) {
    for (const m of matchesOf(BRACKETED, text)) {
      findings.push({ type: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, confidence: 0.85 });
    }
  }
  return findings;
}
