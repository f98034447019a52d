/**
 * Phone numbers in international and national formats: an optional `+CC`, an optional `(area)`, then digit
 * groups separated by single spaces, dots or dashes, 7 to 15 digits in all, and an optional extension.
 * Any number could be a phone number, so confidence comes from the shape (`+`, parentheses, grouping)
 * and from cue words before it; dates, times, IPs and decimals are rejected.
 */
import type { PiiFinding } from '../pii-finding.js';
import { hasContextBefore, matchesOf } from './context-words.js';

const CANDIDATE =
  /(?<![\w+.\-/:])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,5}\)[ .\-]?)?\d{1,15}(?:[ .\-]\d{1,10}){0,7}(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,5})?(?![\w/]|[.:\-]\d)/g;
const CUE =
  /\b(?:phone|tel|telephone|mobile|mob|cell|cellphone|fax|call|text|sms|whatsapp|contact|reach|dial|number|messages|landline|desk|office|ph|home|work)\b|#/i;
// "licence number 123456" or "order #123456" are numbers, not phones, even with a cue word nearby.
const OTHER_NUMBER = /\b(?:licen[cs]e|account|acct|card|order|invoice|passport|id|reference|ref|ticket|tracking|zip|postcode|postal|policy|serial|case)\b/i;
const ISO_DATE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}/;
const DATE_LIKE = /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/;

export function detectPhoneNumbers(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const m of matchesOf(CANDIDATE, text)) {
    const raw = m[0];
    const core = raw.replace(/[ ]?(?:x|ext\.?|#)[ ]?\d{1,5}$/, '');
    const digits = core.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15) continue;
    if (ISO_DATE.test(core) || DATE_LIKE.test(core)) continue;
    const international = core.startsWith('+');
    const area = core.includes('(');
    const groups = core.split(/[ .\-()]+/).filter((g) => g.length > 0);
    const separators = new Set(core.match(/[ .\-]/g) ?? []);
    const cue = hasContextBefore(text, m.index, CUE, 40) && !hasContextBefore(text, m.index, OTHER_NUMBER, 30);
    // A long unbroken digit run is more likely an ID, an amount or a card than a phone number.
    if (groups.length === 1 && !international && !cue) continue;
    let confidence = 0.3;
    if (international) confidence += 0.35;
    if (area) confidence += 0.2;
    if (groups.length >= 3 && separators.size <= 2) confidence += 0.2;
    if (/^\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}$/.test(core)) confidence += 0.1;
    if (cue) confidence += 0.3;
    if (raw.length !== core.length) confidence += 0.1;
    findings.push({ type: 'PHONE_NUMBER', start: m.index, end: m.index + raw.length, confidence: Math.min(confidence, 0.95) });
  }
  return findings;
}
