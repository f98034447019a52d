/**
 * PII detection: runs every detector family over a text and resolves overlaps (a whole chat request:
 * detect-request-pii.ts). Pure CPU work with no I/O, built to stay well under a millisecond for a 2 KB prompt
 * (bench/pii-detect.ts measures it); precision and recall per type are in docs/privacy.md.
 */
import { detectionText, originalSpan } from './detection-text.js';
import type { PiiDetector, PiiFinding, PiiType } from './pii-finding.js';
import { detectCreditCards } from './detectors/credit-card-detector.js';
import { detectDatesOfBirth } from './detectors/date-of-birth-detector.js';
import { detectEmails } from './detectors/email-detector.js';
import { detectIbans } from './detectors/iban-detector.js';
import { detectIpAddresses } from './detectors/ip-address-detector.js';
import { detectNationalIds } from './detectors/national-id-detector.js';
import { detectPassports } from './detectors/passport-detector.js';
import { detectPersons } from './detectors/person-detector.js';
import { detectPhoneNumbers } from './detectors/phone-detector.js';
import { detectSecrets } from './detectors/secret-detector.js';
import { detectStreetAddresses } from './detectors/street-address-detector.js';
import { detectUsSsns } from './detectors/us-ssn-detector.js';
import { resolveOverlaps } from './resolve-overlaps.js';

export type { PiiFinding, PiiType } from './pii-finding.js';

export interface DetectPiiOptions {
  /** Findings below this confidence are dropped before overlaps are resolved. Default 0.5. */
  minConfidence?: number;
  /** Only report these types (default: all). Detector families with no wanted type are skipped. */
  types?: readonly PiiType[];
  /** Extra detectors, e.g. a local NER model's wrapper; their findings compete with the built-in ones. */
  extraDetectors?: readonly PiiDetector[];
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;

const FAMILIES: ReadonlyArray<{ detect: PiiDetector; types: readonly PiiType[] }> = [
  { detect: detectEmails, types: ['EMAIL_ADDRESS'] },
  { detect: detectSecrets, types: ['API_KEY', 'SECRET'] },
  { detect: detectIbans, types: ['IBAN_CODE'] },
  { detect: detectCreditCards, types: ['CREDIT_CARD'] },
  { detect: detectUsSsns, types: ['US_SSN'] },
  { detect: detectNationalIds, types: ['NATIONAL_ID'] },
  { detect: detectPassports, types: ['PASSPORT'] },
  { detect: detectIpAddresses, types: ['IP_ADDRESS'] },
  { detect: detectPhoneNumbers, types: ['PHONE_NUMBER'] },
  { detect: detectDatesOfBirth, types: ['DATE_OF_BIRTH'] },
  { detect: detectStreetAddresses, types: ['STREET_ADDRESS'] },
  { detect: detectPersons, types: ['PERSON'] },
];

/** Every finding in `text`, non-overlapping and sorted by start. */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiFinding[] {
  if (text.length === 0) return [];
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const wanted = options.types ? new Set(options.types) : undefined;
  const candidates: PiiFinding[] = [];
  const keep = (f: PiiFinding): void => {
    if (f.confidence >= minConfidence && (!wanted || wanted.has(f.type))) candidates.push(f);
  };
  // The structured detectors read full-width and Arabic-Indic digits as digits, any space as a space and
  // skip zero-width characters (detection-text.ts); the name model reads the text as it came.
  const normal = detectionText(text);
  for (const family of FAMILIES) {
    if (wanted && !family.types.some((t) => wanted.has(t))) continue;
    if (!normal || family.detect === detectPersons) {
      for (const f of family.detect(text)) keep(f);
      continue;
    }
    for (const f of family.detect(normal.text)) keep({ ...f, ...originalSpan(normal, f.start, f.end) });
  }
  for (const detect of options.extraDetectors ?? []) for (const f of detect(text)) keep(f);
  return resolveOverlaps(candidates, text);
}

/** Counts per type, the only form in which findings may appear in headers, explanations and the audit log. */
export function countByType(findings: readonly PiiFinding[]): Partial<Record<PiiType, number>> {
  const counts: Partial<Record<PiiType, number>> = {};
  for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
  return counts;
}
