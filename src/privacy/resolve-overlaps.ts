/**
 * Detectors overlap (a card number is also a long digit run a phone detector may like; a name sits inside
 * an e-mail address). Keep, greedily, the most confident finding, then the most specific type, then the
 * longest span, and drop whatever overlaps a kept one. Every character ends up with at most one type,
 * which the pseudonymiser needs.
 */
import type { PiiFinding, PiiType } from './pii-finding.js';

// Higher is more specific: a checksum-validated or prefix-anchored match beats a heuristic one.
const SPECIFICITY: Record<PiiType, number> = {
  API_KEY: 13,
  IBAN_CODE: 12,
  CREDIT_CARD: 11,
  NATIONAL_ID: 10,
  EMAIL_ADDRESS: 9,
  US_SSN: 8,
  PASSPORT: 7,
  IP_ADDRESS: 6,
  DATE_OF_BIRTH: 5,
  SECRET: 4,
  PHONE_NUMBER: 3,
  STREET_ADDRESS: 2,
  PERSON: 1,
  IDENTIFIER: 0,
};

const MIN_HEAD = 6;

function trimmedHeadLength(text: string | undefined, start: number, end: number): number {
  if (text === undefined) return 0;
  return text.slice(start, end).replace(/[\s,;:.-]+$/u, '').length;
}

function outsideAddresses(person: PiiFinding, addresses: readonly PiiFinding[], text: string | undefined): PiiFinding[] {
  let { start, end } = person;
  for (const a of addresses) {
    if (a.end <= start || end <= a.start) continue;
    if (a.start <= start && end <= a.end) return [];
    if (start < a.start) end = a.start;
    else start = a.end;
  }
  if (text !== undefined) {
    while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
    while (start < end && /\s/.test(text[start] ?? '')) start++;
  }
  return end - start >= 2 ? [{ ...person, start, end }] : [];
}

/** `text` lets a clipped street address keep its head; without it, a finding that overlaps is dropped. */
export function resolveOverlaps(findings: readonly PiiFinding[], text?: string): PiiFinding[] {
  // A name inside an address is the street's name ("106B Victoria Lane", "Martin Luther King Jr Street"):
  // the address covers it and more, so it must not lose to the name however sure the name detector is.
  // A name that straddles an address's edge ("Lieferadresse An" before "An der Alster 3") keeps only its part
  // outside the address.
  const addresses = findings.filter((f) => f.type === 'STREET_ADDRESS' && f.confidence >= 0.5);
  // Likewise a name wholly inside any other structured finding ("Juli" of "am 3. Juli 1953 … geboren", a
  // name in an e-mail address or a password): the structured finding covers it and more.
  const structured = findings.filter((f) => f.type !== 'PERSON' && f.type !== 'IDENTIFIER' && f.type !== 'STREET_ADDRESS' && f.confidence >= 0.5);
  const inside = (p: PiiFinding): boolean => structured.some((f) => f.start <= p.start && p.end <= f.end && f.end - f.start > p.end - p.start);
  const unboxed = structured.length === 0 ? findings : findings.filter((f) => f.type !== 'PERSON' || !inside(f));
  const candidates = addresses.length === 0 ? unboxed : unboxed.flatMap((f) => (f.type === 'PERSON' ? outsideAddresses(f, addresses, text) : [f]));
  const ranked = [...candidates].sort(
    (a, b) => b.confidence - a.confidence || SPECIFICITY[b.type] - SPECIFICITY[a.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
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
