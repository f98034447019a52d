/**
 * Detectors overlap (a card number is also a long digit run a phone detector may like; a name sits inside
 * an e-mail address). Keep, greedily, the most confident finding, then the most specific type, then the
 * longest span, and drop whatever overlaps a kept one. Every character ends up with at most one type,
 * which the pseudonymiser needs.
 */
import type { PiiFinding, PiiType } from './pii-finding.js';

// Higher is more specific: a checksum-validated or prefix-anchored match beats a heuristic one.
const SPECIFICITY: Record<PiiType, number> = {
  API_KEY: 11,
  IBAN_CODE: 10,
  CREDIT_CARD: 9,
  EMAIL_ADDRESS: 8,
  US_SSN: 7,
  IP_ADDRESS: 6,
  DATE_OF_BIRTH: 5,
  SECRET: 4,
  PHONE_NUMBER: 3,
  STREET_ADDRESS: 2,
  PERSON: 1,
};

export function resolveOverlaps(findings: readonly PiiFinding[]): PiiFinding[] {
  const ranked = [...findings].sort(
    (a, b) =>
      b.confidence - a.confidence ||
      SPECIFICITY[b.type] - SPECIFICITY[a.type] ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start,
  );
  const kept: PiiFinding[] = [];
  // One flag per character keeps this linear in the text, however many candidates a hostile input yields.
  const taken = new Uint8Array(ranked.reduce((max, f) => Math.max(max, f.end), 0));
  for (const finding of ranked) {
    if (finding.end <= finding.start) continue;
    if (taken.subarray(finding.start, finding.end).includes(1)) continue;
    taken.fill(1, finding.start, finding.end);
    kept.push(finding);
  }
  return kept.sort((a, b) => a.start - b.start);
}
