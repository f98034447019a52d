/**
 * The shapes every PII detector returns. Plain types so policies, the audit log and the pseudonymiser can
 * share them without importing the detectors themselves.
 */

export const PII_TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'PASSPORT',
  'NATIONAL_ID',
  'IP_ADDRESS',
  'DATE_OF_BIRTH',
  'STREET_ADDRESS',
  'API_KEY',
  'SECRET',
  'PERSON',
  /**
   * An identifier-shaped value (digits, a date, a password shape) in a field that carries no prose and no
   * cue: a `stop` sequence, a message `name`, an image URL's parts, a tool-call argument's value. What it
   * is cannot be told there, only that it could identify someone (bare-identifier.ts).
   */
  'IDENTIFIER',
] as const;

export type PiiType = (typeof PII_TYPES)[number];

/** One piece of personal data or secret found in a text: `text.slice(start, end)` is the value. */
export interface PiiFinding {
  type: PiiType;
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset one past the last character. */
  end: number;
  /** How sure the detector is, in [0, 1]; policies compare it with their threshold. */
  confidence: number;
}

/** A detector family: scans a whole text once and returns every candidate it believes in. */
export type PiiDetector = (text: string) => PiiFinding[];
