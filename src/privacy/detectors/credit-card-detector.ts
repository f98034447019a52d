/**
 * Payment card numbers: 12 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
 * One random digit string in ten passes Luhn, so a known issuer prefix or a cue word raises confidence.
 */
import type { PiiFinding } from '../pii-finding.js';
import { hasContextBefore, matchesOf } from './context-words.js';

// Not after "+": "+5511969171280" is a phone number whose digits happen to pass Luhn. Groups may be split by a
// space, dash, dot or slash, or " - " ("4111.1111.1111.1111", "4111 1111-1111.1111"). After a comma only when
// no digit stands before it (a CSV field, not "1,234,…"); a comma and a digit after it end a CSV field too,
// unless the number started after a digit and a comma (checked below).
const CANDIDATE = /(?<![\w.+\-/]|\d,)\d(?:(?:[ ./-]| - )?\d){11,18}(?![\d]|[./]\d)/g;
const CUE =
  /(?<![\p{L}])(?:card|visa|master ?card|amex|american express|credit|debit|cc|payment|pay with|discover|jcb|maestro|karte|kartennummer|kreditkarte|carte|carte bancaire|tarjeta|carta|kaart|creditcard|cartão|cartao)(?![\p{L}])/iu;
// Issuer prefixes of the major networks (Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37,
// Discover 6011/64/65, JCB 35, Diners 30/36/38, Maestro 50/56-69, UnionPay 62).
const ISSUER = /^(?:4|5[0-9]|2[2-7]|3[0-8]|6[0-9]|1800|2131)/;

const SEP = '(?:[ ./-]| - )';
const CARD_GROUPING = new RegExp(`^(?:\\d{4}${SEP}){2,4}\\d{1,4}$|^\\d{4}${SEP}\\d{6}${SEP}\\d{4,5}$`);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function detectCreditCards(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(CANDIDATE, text)) {
    const raw = m[0];
    const after = m.index + raw.length;
    // "1234567890123,45": a decimal comma, unless the number is a CSV field (",4111…,09/27").
    if (text[after] === ',' && /\d/.test(text[after + 1] ?? '') && text[m.index - 1] !== ',') continue;
    const digits = raw.replace(/[ ./-]/g, '');
    if (digits.length < 12 || digits.length > 19 || !luhnValid(digits)) continue;
    if (/^(\d)\1+$/.test(digits)) continue;
    // Printed cards group digits in fours (Amex and Diners 4-6-5 / 4-6-4); other groupings are order
    // numbers and ISBNs ("978-1-539-54393-0", "256513-8128095") that happen to pass Luhn.
    if (raw.length !== digits.length && !CARD_GROUPING.test(raw)) continue;
    const cue = hasContextBefore(text, m.index, CUE, 50);
    // No network issues a card outside the issuer prefixes: an ungrouped run without one and without a cue
    // is an id or a timestamp ("1789031930180").
    if (!ISSUER.test(digits) && raw.length === digits.length && !cue) continue;
    let confidence = ISSUER.test(digits) ? 0.7 : 0.5;
    if (digits.length >= 15 && digits.length <= 16) confidence += 0.1;
    if (/^\d{4}([ .-])\d{4}\1\d{4}\1\d{1,4}$/.test(raw) || /^3[47]\d{2}([ -])\d{6}\1\d{5}$/.test(raw)) confidence += 0.1;
    if (cue) confidence += 0.2;
    findings.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + raw.length, confidence: Math.min(confidence, 0.99) });
  }
  return findings;
}
