/**
 * Phone numbers in international and national formats: an optional `+CC` or `00CC` (with an optional
 * `(0)`), an optional `(area)` (after a trunk or country digit: `8 (912) 345-92-66`, `1 (800) …`), then digit groups separated by single spaces, dots, dashes or a slash
 * (German `030/1169678`), 7 to 15 digits in all, and an optional extension.
 * Any number could be a phone number, so confidence comes from the shape (`+`, parentheses, grouping),
 * from cue words before it in English, German, French, Spanish, Italian, Dutch and Portuguese, and, for
 * international numbers, from libphonenumber-js's per-country validation; dates, times, IPs, decimals and
 * ISBNs are rejected.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf } from './context-words.js';

// Not after a colon that follows a digit ("10:30"); after "Tel:" or "電話番号：" (read as ":") it may start.
const CANDIDATE =
  /(?<![\w+.\-/]|\d:)(?:(?:\+|00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?)?(?:(?:[1-9][ ]?)?\(\d{1,5}\)[ .-]?)?\d{1,15}(?:(?:[ .-]|[ ]?\/[ ]?)\d{1,10}){0,7}(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,5})?(?![\w/]|[.:\-/]\d)/g;
const CUE = new RegExp(
  [
    '(?<![\\p{L}])(?:phone|tel|telephone|mobile|mob|cell|cellphone|fax|call|text|sms|whatsapp|signal|contact|reach|dial|number|messages|landline|desk|office|ph|home|work',
    // German, French, Spanish, Italian, Dutch, Portuguese.
    'telefon|telefonnummer|rufnummer|handy|handynummer|mobil|mobilnummer|erreichbar|ruf|anrufen|festnetz',
    'téléphone|tél|portable|appelez|appeler|joindre|numéro|fixe',
    'teléfono|telefono|móvil|movil|llámame|llamar|número|celular|fijo',
    'cellulare|chiamami|chiamare|numero|cell',
    'telefoon|telefoonnummer|mobiel|bel|bellen|nummer',
    'telefone|telemóvel|telemovel|liga-me|ligar|contacto)(?![\\p{L}])|#',
  ].join('|'),
  'giu',
);
// "licence number 123456" or "order #123456" are numbers, not phones, even with a cue word nearby.
const OTHER_NUMBER =
  /(?<![\p{L}])(?:licen[cs]e|account|acct|card|order|invoice|passport|id|reference|ref|ticket|tracking|zip|postcode|postal|policy|serial|case|isbn|issn|iban|ssn|bsn|dni|nie|nif|steuer-?id|aadhaa?r|pass|passeport|pasaporte|passaporto|paspoort|passaporte|reisepass|kunden|konto|compte|cuenta|conto|rekening|conta|bestell|commande|pedido|ordine|bestelling|encomenda)(?![\p{L}])/giu;
const LABEL_GAP = /^[ \t]*[#:]?[ \t]*$/;
const ISO_DATE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}/;
const DATE_LIKE = /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/;
const ISBN_LIKE = /^97[89][- ]\d{1,5}[- ]\d{1,7}[- ]\d{1,7}[- ]\d$/;

// A phone number in a link: `tel:`, `sms:`, `callto:` URIs and WhatsApp's click-to-chat (`wa.me/<number>`).
const PHONE_LINK =
  /(?:\b(?:tel|sms|callto|facetime):(?:\/\/)?|\bwa\.me\/|\bwhatsapp:\/\/send\?phone=|\bapi\.whatsapp\.com\/send\?phone=)(\+?\d[\d().-]{5,22}\d)/gi;
const LINK_HINT = /tel:|sms:|callto:|facetime:|wa\.me\/|phone=/i;

function lastMatch(pattern: RegExp, window: string): { start: number; end: number } | null {
  let last: { start: number; end: number } | null = null;
  for (const m of matchesOf(pattern, window)) last = { start: m.index, end: m.index + m[0].length };
  return last;
}

/**
 * A phone cue within 40 characters before, not itself part of another number's label: "order number",
 * "order #" (an other-number word right before the cue, or after it: "call about order 123456").
 */
function phoneCueBefore(text: string, start: number): boolean {
  const window = text.slice(Math.max(0, start - 40), start);
  const cue = lastMatch(CUE, window);
  if (!cue) return false;
  const other = lastMatch(OTHER_NUMBER, window);
  return !other || (other.end <= cue.start && !LABEL_GAP.test(window.slice(other.end, cue.start)));
}

// A number right after another number's label ("Part no. 723-353-121", "SKU: 535 624 672", "order #…").
const OTHER_LABEL =
  /(?<![\p{L}])(?:part|parts|sku|item|article|artikel|art\.-?nr|model|lot|batch|serial|order|invoice|ticket|tracking|case|ref|reference|account|policy|isbn|bestell|kunden|commande|pedido|ordine)(?:[ ]?(?:no|nr|number|num|#|id|code))?\.?[ \t]*[#:]?[ \t]*$/iu;

/** libphonenumber-js's verdict on an international number: valid for its country, or not. */
function validInternational(core: string): boolean {
  const normalised = core
    .replace(/^00/, '+')
    .replace(/\(0\)/, '')
    .replace(/[^\d+]/g, '');
  return parsePhoneNumberFromString(normalised)?.isValid() ?? false;
}

export function detectPhoneNumbers(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  if (LINK_HINT.test(text)) {
    for (const m of matchesOf(PHONE_LINK, text)) {
      const value = m[1] ?? '';
      const digits = value.replace(/\D/g, '').length;
      if (digits < 7 || digits > 15) continue;
      const start = m.index + m[0].length - value.length;
      findings.push({ type: 'PHONE_NUMBER', start, end: start + value.length, confidence: 0.9 });
    }
  }
  for (const m of matchesOf(CANDIDATE, text)) {
    const raw = m[0];
    const core = raw.replace(/[ ]?(?:x|ext\.?|#)[ ]?\d{1,5}$/, '');
    const digits = core.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    // A year first, or three groups only: "0450.00.26.27" is a Belgian mobile number, not a date.
    if ((ISO_DATE.test(core) && (/^(?:1[89]|20)\d{2}/.test(core) || core.split(/[-./]/).length === 3)) || DATE_LIKE.test(core) || ISBN_LIKE.test(core))
      continue;
    const international = core.startsWith('+') || (core.startsWith('00') && /^00[1-9]\d{0,2}[ .-]/.test(core));
    const area = core.includes('(');
    const groups = core.split(/[ .\-()/]+/).filter((g) => g.length > 0);
    const separators = new Set(core.match(/[ .\-/]/g) ?? []);
    const cue = phoneCueBefore(text, m.index);
    if (!cue && !international && OTHER_LABEL.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    // "Chrome 103.0.6950.75": dotted groups with a one-digit group are a version, not a phone plan's grouping.
    if (!international && !cue && separators.size === 1 && separators.has('.') && groups.some((g) => g.length === 1)) continue;
    // A long unbroken digit run is more likely an ID, an amount or a card than a phone number.
    if (groups.length === 1 && !international && !cue) continue;
    let confidence = 0.3;
    if (international) confidence += 0.35;
    if (area) confidence += 0.2;
    if (groups.length >= 3 && separators.size <= 2) confidence += 0.2;
    if (/^\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}$/.test(core)) confidence += 0.1;
    // "030/1169678": trunk prefix and area code, a slash, the subscriber number.
    if (/^0\d{1,5}[ ]?\/[ ]?\d{3,10}$/.test(core)) confidence += 0.2;
    else if (/^\d{2,5}[ ]?\/[ ]?\d{5,10}$/.test(core)) confidence += 0.1;
    if (cue) confidence += 0.3;
    if (raw.length !== core.length) confidence += 0.1;
    // 123-45-6789 is the shape of a US SSN, not of any national phone plan.
    if (/^\d{3}-\d{2}-\d{4}$/.test(core)) confidence -= 0.3;
    // A compact "+5511969171280" is also a Luhn-valid digit run; validation (~50 µs) settles it, and is
    // spent only there: grouped international numbers already score 0.85.
    if (international && groups.length <= 2 && confidence < 0.9 && validInternational(core)) confidence = 0.9;
    findings.push({ type: 'PHONE_NUMBER', start: m.index, end: m.index + raw.length, confidence: Math.min(confidence, 0.95) });
  }
  return findings;
}
