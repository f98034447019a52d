/**
 * Street addresses, found by their anchors rather than by a full grammar: a house number with a street
 * suffix ("12 Baker Street"), a street-type word with a number ("Rue de Rivoli 5", "ul. Długa 12"), a
 * compound street name ("Pohlstrasse 9", "Ringvej 144"), unit and box lines ("Apt. 4", "P.O. Box 12",
 * "PSC 7589, Box 0572"). Anchors close together merge into one finding, which then extends over up to
 * three short following segments (city, region, postcode, country) on the same or the next lines.
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf, titleCaseIfUncased } from './context-words.js';

const W = "[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]*";
const SUFFIX =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Cres|Close|Trail|Trl|Alley|Row|Walk|Plaza|Loop|Bridge|Gardens|Mews|Grove|Heights|Hts|Crossing|Ridge|Pike|Expressway|Freeway|Turnpike|Causeway|Esplanade|Promenade|Quay|Wharf|Hill|Park';
const PREFIX =
  "Rue|Via|Viale|Vicolo|Avenida|Avda|Av|Calle|C/|Paseo|Pasaje|Plaza|Praça|Rua|Rúa|Travessa|Largo|Strada|Piazza|Piazzale|Corso|Contrada|Carrer|Avinguda|Camino|Ronda|Carretera|Boulevard|Bd|Bld|Chemin|Allée|Impasse|Quai|Route|Ul|Ulica|Aleja|Al|Os|Osiedle|Plac|Calea|Strada|Bulevardul|Odos|Leoforos|Sokak|Cadde|Caddesi";
const COMPOUND =
  'strasse|straße|str|weg|gasse|platz|allee|ring|damm|ufer|chaussee|katu|tie|kuja|polku|raitti|vej|veien|vegen|gata|gatan|gaten|vägen|väg|gränd|laan|straat|gracht|plein|kade|dreef|utca|út|tér|ulice|ulica|cesta|iela|gatvė|gatve|tee|tänav|vei|stræde|allé|torget|torg';

/** "Pohlstrasse 9", "Ringvej 144": a name ending in a street word, then a number (exported for its test). */
export const COMPOUND_ANCHOR = new RegExp(`(?<![\\p{L}\\p{N}])(?:\\d{1,6}[ ]+)?(?:${W}[ ]+){0,2}?[\\p{L}\\p{M}\\-]*(?:${COMPOUND})\\.?[ ]+\\d{1,5}[A-Za-z]?(?![\\p{L}\\p{N}])`, 'giu');
const SPACE_DIGIT = /[ ]\d/g;
const COMPOUND_ENDING = new RegExp(`(?:${COMPOUND})\\.?$`, 'iu');
const LONGEST_COMPOUND_ENDING = Math.max(...COMPOUND.split('|').map((ending) => ending.length)) + 1;

/**
 * The compound anchor's pre-check: whether a street ending comes right before spaces and a digit anywhere,
 * which every match of the anchor holds. The anchor itself tries every word start with up to three words
 * and backtracks through each for one of 47 endings: ~16% of all PII detection time on a 2 KB prompt with
 * digits (`npx tsx bench/pii-detect.ts`). This walks back from each " <digit>" pair instead, so the endings
 * are tried only where a number follows a word.
 */
export function hasCompoundEndingBeforeNumber(text: string): boolean {
  SPACE_DIGIT.lastIndex = 0;
  for (let m = SPACE_DIGIT.exec(text); m !== null; m = SPACE_DIGIT.exec(text)) {
    let end = m.index;
    while (end > 0 && text[end - 1] === ' ') end--;
    if (COMPOUND_ENDING.test(text.slice(Math.max(0, end - LONGEST_COMPOUND_ENDING), end))) return true;
  }
  return false;
}

const ANCHORS: Array<{
  pattern: RegExp;
  confidence: number;
  /** A cheap test every text with a match passes; a text failing it skips the anchor's scan. */
  needs?: (text: string) => boolean;
  /** The anchor's only signal is a capital, which a title-cased (originally uncased) text does not have. */
  needsRealCapitals?: boolean;
}> = [
  {
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:\\d{1,6}[ ]+)?\\d{1,6}[A-Za-z]?(?:[ ]+${W}){1,5}?[ ]+(?:${SUFFIX})\\b\\.?`, 'gu'),
    confidence: 0.75,
  },
  {
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:\\d{1,6}[ ]+)?(?:${PREFIX})\\.?[ ]+(?:${W}[ ]+){0,5}?\\d{1,5}[A-Za-z]?(?![\\p{L}\\p{N}])`, 'giu'),
    confidence: 0.7,
  },
  {
    pattern: COMPOUND_ANCHOR,
    confidence: 0.65,
    needs: hasCompoundEndingBeforeNumber,
  },
  {
    pattern: /(?<![\p{L}\p{N}])(?:P\.? ?O\.? ?Box|Post(?:al)? Office Box|(?:PSC|Unit|USNS|USS|USCGC)[ ]+\d{1,6},?[ ]+Box)[ ]+\d{1,6}(?![\p{L}\p{N}])/giu,
    confidence: 0.75,
  },
  {
    // "12 Tylova 285": a leading house or postcode number, a capitalised name, a street number.
    pattern: new RegExp(`(?<![\\p{L}\\p{N}.,])\\d{1,6}[ ]+\\p{Lu}[\\p{L}\\p{M}'’\\-]+(?:[ ]+(?!(?:of|the|and|in|to|for|from|by)\\b)${W}){0,3}?[ ]+\\d{1,5}(?![\\p{L}\\p{N}]|[.,:]\\d)`, 'gu'),
    confidence: 0.5,
    // "what is 2 plus 2", "give me 5 ideas for 3 people" read as this once title-cased.
    needsRealCapitals: true,
  },
  {
    pattern: new RegExp(`(?<![\\p{L}])(?:the )?corner of (?:[\\p{N}\\p{Lu}][\\p{L}\\p{M}\\p{N}'’.\\-]*[ ]+){1,4}?and(?:[ ]+[\\p{N}\\p{Lu}][\\p{L}\\p{M}\\p{N}'’.\\-]*){1,4}`, 'giu'),
    confidence: 0.6,
  },
  { pattern: /(?<![\p{L}\p{N}])(?:APO|FPO|DPO)[ ]+(?:AA|AE|AP)[ ]+\d{5}(?!\d)/gu, confidence: 0.75 },
  {
    pattern: /(?<![\p{L}\p{N}])(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|Building)\.?[ ]*#?[ ]*\d{1,6}[A-Za-z]?(?![\p{L}\p{N}])/gu,
    confidence: 0.5,
  },
];

/** A following segment that reads like a city, region, postcode or country line. */
const TAIL_SEGMENT = /^[ \t]*(?:[\p{L}\p{M}\d][\p{L}\p{M}\d'’. \-]{0,38})$/u;
const NOT_ADDRESS = /\b(?:phone|mobile|tel|fax|e-?mail|website|http|www|date|name|card|iban|ssn|account|password|key|token)\b|@/i;

function mergeAnchors(anchors: PiiFinding[], text: string): PiiFinding[] {
  anchors.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PiiFinding[] = [];
  for (const anchor of anchors) {
    const last = merged[merged.length - 1];
    if (last && anchor.start <= last.end + 3 && /^[\s,]*$/.test(text.slice(last.end, Math.max(last.end, anchor.start)))) {
      last.end = Math.max(last.end, anchor.end);
      last.confidence = Math.min(0.9, Math.max(last.confidence, anchor.confidence) + 0.1);
    } else if (last && anchor.start < last.end) {
      last.end = Math.max(last.end, anchor.end);
    } else {
      merged.push({ ...anchor });
    }
  }
  return merged;
}

function extendTail(finding: PiiFinding, text: string): void {
  let end = finding.end;
  for (let segments = 0; segments < 4; segments++) {
    const sep = /^(?:[ \t]*,[ \t]*\n?|[ \t]*\n{1,2}[ \t>*•·?-]*,?[ \t]*)/.exec(text.slice(end, end + 12));
    if (!sep) break;
    const from = end + sep[0].length;
    let to = from;
    while (to < text.length && text[to] !== ',' && text[to] !== '\n' && to - from <= 40) {
      if (/[.;!?]/.test(text[to] ?? '') && /\s/.test(text[to + 1] ?? ' ') && to - from > 3) break;
      to++;
    }
    const segment = text.slice(from, to).replace(/[.?!;:]+[ \t]*$/, '');
    if (segment.trim().length === 0 || !TAIL_SEGMENT.test(segment) || NOT_ADDRESS.test(segment)) break;
    // A new sentence is not part of the address.
    if (/^\s*(?:I|We|The|It|Please|Thank|Can|Could|My|Our|This)\b/.test(segment)) break;
    end = from + segment.trimEnd().length;
  }
  finding.end = end;
}

/** Every anchor but "corner of … and …" needs an ASCII digit (`\d`), so most prose skips all eight scans. */
function mayHoldAddress(text: string): boolean {
  return /[0-9]/.test(text) || /corner of/i.test(text);
}

export function detectStreetAddresses(original: string): PiiFinding[] {
  if (!mayHoldAddress(original)) return [];
  const text = titleCaseIfUncased(original);
  const anchors: PiiFinding[] = [];
  const uncased = text !== original;
  for (const { pattern, confidence, needs, needsRealCapitals } of ANCHORS) {
    if ((needsRealCapitals && uncased) || (needs && !needs(text))) continue;
    for (const m of matchesOf(pattern, text)) {
      anchors.push({ type: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].length, confidence });
    }
  }
  if (anchors.length === 0) return [];
  const merged = mergeAnchors(anchors, text);
  for (const finding of merged) extendTail(finding, text);
  return merged;
}
