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

const MIN_HEAD = 6;

function trimmedHeadLength(text: string | undefined, start: number, end: number): number {
  if (text === undefined) return 0;
  return text.slice(start, end).replace(/[\s,;:.\-]+$/u, '').length;
}

/** `text` lets a clipped street address keep its head; without it, a finding that overlaps is dropped. */
export function resolveOverlaps(findings: readonly PiiFinding[], text?: string): PiiFinding[] {
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
    const clash = taken.subarray(finding.start, finding.end).indexOf(1);
    if (clash === -1) {
      taken.fill(1, finding.start, finding.end);
      kept.push(finding);
      continue;
    }
    // A finding whose tail runs into a stronger one (an address extended over the card number on the next
    // line) keeps its free head: dropping it whole would leave the street in clear text.
    const head = trimmedHeadLength(text, finding.start, finding.start + clash);
    if (finding.type !== 'STREET_ADDRESS' || head < MIN_HEAD) continue;
    taken.fill(1, finding.start, finding.start + head);
    kept.push({ ...finding, end: finding.start + head });
  }
  return kept.sort((a, b) => a.start - b.start);
}
