/** E-mail addresses: a local part, `@`, and a domain with a letters-only top-level label. */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';

const EMAIL =
  /[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b/g;

export function detectEmails(text: string): PiiFinding[] {
  if (!text.includes('@')) return [];
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(EMAIL, text)) {
    findings.push({ type: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, confidence: 0.95 });
  }
  return findings;
}
