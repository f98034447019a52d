/**
 * National identification numbers: UK National Insurance number, German Steuer-ID, French NIR, Spanish
 * DNI/NIE, Italian codice fiscale, Dutch BSN, Indian Aadhaar. Each is validated by its check digit or
 * structure (national-id-checksums.ts). Shapes distinctive enough on their own (NINO, codice fiscale,
 * DNI/NIE letter, NIR) are reported anywhere; bare digit runs that only a checksum sets apart (Steuer-ID,
 * BSN, Aadhaar) are reported at full confidence only after an ID cue, since one 9–12-digit number in ten
 * passes a checksum by chance. Without a cue those score below the default threshold of 0.5.
 */
import type { PiiFinding } from '../pii-finding.js';
import { hasContextBefore, matchesOf } from './context-words.js';
import { aadhaarValid, bsnValid, codiceFiscaleValid, dniValid, ninoValid, nirValid, steuerIdValid } from './national-id-checksums.js';

export const NATIONAL_ID_CUE =
  /(?<![\p{L}])(?:nino|national insurance|ni (?:no|number|nr)|steuer-?id(?:nr)?|steuer-?idnr|steueridentifikationsnummer|identifikationsnummer|idnr|tin|sécurité sociale|securite sociale|sécu|secu|n° ss|nir|insee|dni|d\.n\.i\.?|nie|nif|documento de identidad|identidad de extranjero|codice fiscale|c\.f\.|cf|bsn|burgerservicenummer|sofinummer|sofi-nummer|aadhaa?r|uid|national id|identity number|id number|personalausweis(?:nummer)?|ausweisnummer|carte d'identité|numéro d'identité)(?![\p{L}])/iu;

interface Shape {
  pattern: RegExp;
  valid: (compact: string) => boolean;
  /** Confidence without and with a cue within 50 characters before. */
  bare: number;
  cued: number;
}

const SHAPES: Shape[] = [
  // NINO: "AB123456C", "AB 12 34 56 C", "AB-12-34-56-C", "ab123456c" (upper case: ninoValid(compact.toUpperCase())).
  {
    pattern: /(?<![\p{L}\p{N}])[A-Za-z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-Da-d](?![\p{L}\p{N}])/gu,
    valid: (c) => ninoValid(c.toUpperCase()),
    bare: 0.7,
    cued: 0.95,
  },
  // Codice fiscale.
  {
    pattern: /(?<![\p{L}\p{N}])[A-Za-z]{6}[\dLMNPQRSTUV]{2}[A-Za-z][\dLMNPQRSTUV]{2}[A-Za-z][\dLMNPQRSTUV]{3}[A-Za-z](?![\p{L}\p{N}])/gu,
    valid: codiceFiscaleValid,
    bare: 0.9,
    cued: 0.97,
  },
  // NIR of someone born in Corsica (department 2A or 2B).
  { pattern: /(?<![\p{L}\p{N}])[12] ?\d{2} ?\d{2} ?2[AB] ?\d{3} ?\d{3} ?\d{2}(?![\p{L}\p{N}])/gu, valid: nirValid, bare: 0.75, cued: 0.95 },
  // DNI "12345678Z", "12345678-Z"; NIE "X1234567L", "X-1234567-L".
  { pattern: /(?<![\p{L}\p{N}])(?:[XYZxyz]-?\d{7}|\d{8})[ -]?[A-Za-z](?![\p{L}\p{N}])/gu, valid: dniValid, bare: 0.8, cued: 0.95 },
];

/**
 * The digit-only shapes share one scan: a digit run with single spaces, dots or dashes inside, then each
 * shape's anchored pattern and checksum on it (one pass instead of four over a text full of numbers).
 */
const DIGIT_RUN = /(?<![\p{L}\p{N}.,])\d(?:\d|[ .-](?=\d)){8,20}(?![\p{L}\p{N}]|[.,]\d)/gu;
const DIGIT_SHAPES: Shape[] = [
  // NIR: 15 characters, compact or grouped 1 2 2 2 3 3 2 (Corsica's 2A/2B are in SHAPES above).
  { pattern: /^[12] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}$/, valid: nirValid, bare: 0.75, cued: 0.95 },
  // Steuer-ID: 11 digits, compact or "12 345 678 901".
  { pattern: /^(?:\d{11}|\d{2} \d{3} \d{3} \d{3})$/, valid: steuerIdValid, bare: 0.35, cued: 0.9 },
  // BSN: 9 digits, or "1234.56.789".
  { pattern: /^(?:\d{9}|\d{4}\.\d{2}\.\d{3})$/, valid: bsnValid, bare: 0.3, cued: 0.9 },
  // Aadhaar: 12 digits, compact or in fours.
  { pattern: /^(?:[2-9]\d{11}|[2-9]\d{3}[ -]\d{4}[ -]\d{4})$/, valid: aadhaarValid, bare: 0.4, cued: 0.95 },
];

export function detectNationalIds(text: string): PiiFinding[] {
  if (!/\d/.test(text)) return [];
  const findings: PiiFinding[] = [];
  const report = (shape: Shape, start: number, raw: string): void => {
    if (!shape.valid(raw.replace(/[ .-]/g, ''))) return;
    const cued = hasContextBefore(text, start, NATIONAL_ID_CUE, 50);
    findings.push({ type: 'NATIONAL_ID', start, end: start + raw.length, confidence: cued ? shape.cued : shape.bare });
  };
  for (const shape of SHAPES) for (const m of matchesOf(shape.pattern, text)) report(shape, m.index, m[0]);
  for (const m of matchesOf(DIGIT_RUN, text)) {
    const shapes = DIGIT_SHAPES.filter((shape) => shape.pattern.test(m[0]));
    for (const shape of shapes) report(shape, m.index, m[0]);
    if (shapes.length > 0 || !m[0].includes(' ')) continue;
    // Two numbers one space apart ("BSN 111222333 2024") run together; try each on its own.
    let offset = 0;
    for (const part of m[0].split(' ')) {
      for (const shape of DIGIT_SHAPES) if (shape.pattern.test(part)) report(shape, m.index + offset, part);
      offset += part.length + 1;
    }
  }
  return findings;
}
