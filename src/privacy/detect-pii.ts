/**
 * PII detection: runs every detector family over a text (or every text of a chat request) and resolves
 * overlaps. Pure CPU work with no I/O, built to stay well under a millisecond for a 2 KB prompt
 * (bench/pii-detect.ts measures it); precision and recall per type are in docs/privacy.md.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { PiiDetector, PiiFinding, PiiType } from './pii-finding.js';
import { detectCreditCards } from './detectors/credit-card-detector.js';
import { detectDatesOfBirth } from './detectors/date-of-birth-detector.js';
import { detectEmails } from './detectors/email-detector.js';
import { detectIbans } from './detectors/iban-detector.js';
import { detectIpAddresses } from './detectors/ip-address-detector.js';
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
  for (const family of FAMILIES) {
    if (wanted && !family.types.some((t) => wanted.has(t))) continue;
    for (const f of family.detect(text)) keep(f);
  }
  for (const detect of options.extraDetectors ?? []) for (const f of detect(text)) keep(f);
  return resolveOverlaps(candidates, text);
}

/** Where in a request a text lives. `path` is set for a string inside a tool call's JSON arguments. */
export type PiiLocation =
  | { message: number; field: 'content' }
  | { message: number; field: 'part'; part: number }
  | { message: number; field: 'tool_arguments'; toolCall: number; path?: ReadonlyArray<string | number> };

export interface RequestPiiFinding extends PiiFinding {
  location: PiiLocation;
}

export interface RequestText {
  location: PiiLocation;
  text: string;
  /** For a string inside tool arguments: its JSON key, which is the only context a bare value has. */
  key?: string;
}

/** Collects the strings of a JSON value with their paths; keys are structure, not data, so they are skipped. */
function jsonStrings(value: unknown, path: Array<string | number>, out: Array<{ path: Array<string | number>; text: string }>): void {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => jsonStrings(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) jsonStrings(v, [...path, k], out);
  }
}

/**
 * Every text of a request that could carry personal data: message contents (all roles), text parts, and
 * tool-call arguments (each string of the JSON, or the raw string when it is not valid JSON).
 */
export function requestTexts(request: Pick<ChatRequest, 'messages'>): RequestText[] {
  const texts: RequestText[] = [];
  request.messages.forEach((message, m) => {
    const { content } = message;
    if (typeof content === 'string') texts.push({ location: { message: m, field: 'content' }, text: content });
    else if (Array.isArray(content)) {
      content.forEach((part, p) => {
        if (part.type === 'text' && typeof part.text === 'string') {
          texts.push({ location: { message: m, field: 'part', part: p }, text: part.text });
        }
      });
    }
    (message.tool_calls ?? []).forEach((call, c) => {
      const raw = call.function.arguments;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        texts.push({ location: { message: m, field: 'tool_arguments', toolCall: c }, text: raw });
        return;
      }
      const strings: Array<{ path: Array<string | number>; text: string }> = [];
      jsonStrings(parsed, [], strings);
      for (const s of strings) {
        const key = [...s.path].reverse().find((p): p is string => typeof p === 'string');
        const text: RequestText = { location: { message: m, field: 'tool_arguments', toolCall: c, path: s.path }, text: s.text };
        if (key !== undefined) text.key = key;
        texts.push(text);
      }
    });
  });
  return texts;
}

/** Findings across a whole request, each with where it was found. */
export function detectPiiInRequest(request: Pick<ChatRequest, 'messages'>, options: DetectPiiOptions = {}): RequestPiiFinding[] {
  const findings: RequestPiiFinding[] = [];
  for (const { location, text, key } of requestTexts(request)) {
    if (key === undefined) {
      for (const f of detectPii(text, options)) findings.push({ ...f, location });
      continue;
    }
    // {"date_of_birth": "1984-03-12"}: the key is the cue a bare value lacks, so it is read as
    // "date of birth: 1984-03-12" and findings are mapped back onto the value (any in the label dropped).
    const label = `${key.replace(/[_-]?\d+$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ')}: `;
    for (const f of detectPii(label + text, options)) {
      if (f.end <= label.length) continue;
      findings.push({ ...f, start: Math.max(0, f.start - label.length), end: f.end - label.length, location });
    }
  }
  return findings;
}

/** Counts per type, the only form in which findings may appear in headers, explanations and the audit log. */
export function countByType(findings: readonly PiiFinding[]): Partial<Record<PiiType, number>> {
  const counts: Partial<Record<PiiType, number>> = {};
  for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
  return counts;
}
