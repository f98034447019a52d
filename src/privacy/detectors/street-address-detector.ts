/**
 * Street addresses, found by their anchors rather than by a full grammar: a house number with a street
 * suffix ("12 Baker Street"), a street-type word with a number ("Rue de Rivoli 5", "ul. Długa 12"), a
 * compound street name ("Pohlstrasse 9", "Ringvej 144"), unit and box lines ("Apt. 4", "P.O. Box 12",
 * "PSC 7589, Box 0572"). Anchors close together merge into one finding, which then extends over up to
 * three short following segments (city, region, postcode, country) on the same or the next lines.
 */
import type { PiiFinding } from '../pii-finding.js';
import { matchesOf, titleCaseIfUncased } from './context-words.js';
import { monthNumber } from './month-names.js';

const W = "[\\p{L}\\p{M}][\\p{L}\\p{M}'’.\\-]*";
const SUFFIX =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Cres|Close|Trail|Trl|Alley|Row|Walk|Plaza|Loop|Bridge|Gardens|Mews|Grove|Heights|Hts|Crossing|Ridge|Pike|Expressway|Freeway|Turnpike|Causeway|Esplanade|Promenade|Quay|Wharf|Hill|Park';
const PREFIX =
  'Rue|Laan|Via|Viale|Vicolo|Avenida|Avda|Av|Calle|C/|Paseo|Pasaje|Plaza|Praça|Rua|Rúa|Travessa|Largo|Strada|Piazza|Piazzale|Corso|Contrada|Carrer|Avinguda|Camino|Ronda|Carretera|Boulevard|Bd|Bld|Chemin|Allée|Impasse|Quai|Route|Ul|Ulica|Aleja|Osiedle|Plac|Calea|Strada|Bulevardul|Odos|Leoforos|Sokak|Cadde|Caddesi';
// Polish "al." (aleja) and "os." (osiedle) count only with their dot: bare "al"/"os" are Spanish, Italian and
// Portuguese words ("llámame al 33 …").
const DOTTED_PREFIX = 'Al|Os';
const COMPOUND =
  'strasse|straße|str|weg|gasse|platz|allee|ring|damm|ufer|chaussee|katu|tie|kuja|polku|raitti|vej|veien|vegen|gata|gatan|gaten|vägen|väg|gränd|laan|straat|gracht|plein|kade|dreef|utca|út|tér|ulice|ulica|cesta|iela|gatvė|gatve|tee|tänav|vei|stræde|allé|torget|torg|singel|hout|dijk|steeg|markt|hof';

const FR_TYPES = 'rue|avenue|av|boulevard|bd|bld|place|pl|allée|impasse|chemin|quai|route|cours|passage|square|voie|sentier|promenade|faubourg|rond-point';
const PARTICLES = "de|du|des|de la|la|le|les|d'|l'|d’|l’|del|della|di|van|von|der|den|St|Saint|Sainte";
const DE_LEADS =
  'Am|An der|An den|Auf dem|Auf der|Im|In der|In den|Zum|Zur|Unter den|Hinter der|Hinter dem|Vor dem|Beim|Bei der|Alte|Alter|Altes|Neue|Neuer|Neues|Große|Großer|Kleine|Kleiner|Lange|Langer|Hohe|Hoher';
// Cheap pre-checks (no `u` flag) for the two anchors above, which most texts cannot match.
const FR_TYPE_AFTER_NUMBER = new RegExp(`\\d[a-z, ]{1,8}(?:${FR_TYPES})`, 'i');
const DE_LEAD_WORD = new RegExp(`(?:^|[^A-Za-z])(?:${DE_LEADS}) [A-ZÄÖÜ]`);
// Nouns that follow "Am", "Im", "Zum" in ordinary prose before a number ("im Jahr 2020", "am Montag 5").
const DE_NOT_STREETS =
  'Jahr|Jahre|Jahren|Monat|Tag|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|Beispiel|Moment|Ende|Anfang|Rahmen|Vergleich|Durchschnitt|Wert|Preis|Kapitel|Abschnitt|Punkt|Schritt|Teil|Prozent|Minuten|Stunden|Tagen|Wochen|Level|Alter|Schluss|Stand|Wochenende|Morgen|Abend|Mittag|Nachmittag|Vormittag|Platz|Rang|Spiel|Test|Artikel|Absatz|Paragraph|Seite|Zimmer|Raum|Gleis|Termin|Ticket|Auftrag|Vertrag|Konto|Kunden';

/** "Pohlstrasse 9", "Ringvej 144": a name ending in a street word, then a number (exported for its test). */
export const COMPOUND_ANCHOR = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:\\d{1,6}[ ]+)?(?:${W}[ ]+){0,2}?[\\p{L}\\p{M}\\-]*(?:${COMPOUND})\\.?[ ]+\\d{1,5}[A-Za-z]?(?![\\p{L}\\p{N}])`,
  'giu',
);
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

const UNIT_CONFIDENCE = 0.45;

const ANCHORS: Array<{
  pattern: RegExp;
  confidence: number;
  /** A cheap test every text with a match passes; a text failing it skips the anchor's scan. */
  needs?: (text: string) => boolean;
  /** The anchor's only signal is a capital, which a title-cased (originally uncased) text does not have. */
  needsRealCapitals?: boolean;
}> = [
  {
    // A second suffix word extends the match: "Cedar Hill Dr" (Hill is a suffix too).
    // Not after a colon: "at 3:00 pm on the new jersey turnpike" is a time.
    pattern: new RegExp(`(?<![\\p{L}\\p{N}:])(?:\\d{1,6}[ ]+)?\\d{1,6}[A-Za-z]?(?:[ ]+${W}){1,5}?[ ]+(?:${SUFFIX})\\b\\.?(?:[ ]+(?:${SUFFIX})\\b\\.?)?`, 'gu'),
    confidence: 0.75,
  },
  {
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])(?:\\d{1,6}[ ]+)?(?:${PREFIX}|(?:${DOTTED_PREFIX})(?=\\.))\\.?[ ]+(?:${W}[ ]+){0,5}?(?:${W},[ ]*)?\\d{1,5}[A-Za-z]?(?![\\p{L}\\p{N}])`,
      'giu',
    ),
    confidence: 0.7,
  },
  {
    // French order: number, street type, name ("148 avenue Victor Hugo", "5 bis, rue du Faubourg Saint-Honoré").
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])\\d{1,4}(?:[ ]?(?:bis|ter|[A-Za-z]))?,?[ ]+(?:${FR_TYPES})\\.?(?:[ ]+(?:${PARTICLES})(?![\\p{L}\\-])|[ ]+\\p{Lu}[\\p{L}\\p{M}'’\\-]*){1,5}`,
      'gu',
    ),
    confidence: 0.7,
    needs: (text) => FR_TYPE_AFTER_NUMBER.test(text),
  },
  {
    // German streets named with a preposition ("Am Markt 108b", "An der Alster 3", "Unter den Linden 77").
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${DE_LEADS})[ ]+(?!(?:${DE_NOT_STREETS})\\b)\\p{Lu}[\\p{L}\\p{M}\\-]+(?:[ ]+\\p{Lu}[\\p{L}\\p{M}\\-]+)?[ ]+(?!(?:19|20)\\d\\d(?!\\d))\\d{1,4}[a-zA-Z]?(?![\\p{L}\\p{N}])`,
      'gu',
    ),
    confidence: 0.65,
    needs: (text) => DE_LEAD_WORD.test(text),
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
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}.,])\\d{1,6}[ ]+\\p{Lu}[\\p{L}\\p{M}'’\\-]+(?:[ ]+(?!(?:of|the|and|in|to|for|from|by)\\b)${W}){0,3}?[ ]+\\d{1,5}(?![\\p{L}\\p{N}]|[.,:]\\d)`,
      'gu',
    ),
    confidence: 0.5,
    // "what is 2 plus 2", "give me 5 ideas for 3 people" read as this once title-cased.
    needsRealCapitals: true,
  },
  {
    pattern: /(?<![\p{L}])(?:the )?corner of (?:[\p{N}\p{Lu}][\p{L}\p{M}\p{N}'’.-]*[ ]+){1,4}?and(?:[ ]+[\p{N}\p{Lu}][\p{L}\p{M}\p{N}'’.-]*){1,4}/giu,
    confidence: 0.6,
  },
  { pattern: /(?<![\p{L}\p{N}])(?:APO|FPO|DPO)[ ]+(?:AA|AE|AP)[ ]+\d{5}(?!\d)/gu, confidence: 0.75 },
  {
    pattern: /(?<![\p{L}\p{N}])(?:Apt|Apartment|Suite|Ste|Unit|Flat)\.?[ ]*#?[ ]*\d{1,6}[A-Za-z]?(?![\p{L}\p{N}])/gu,
    confidence: 0.5,
  },
  {
    // An office line alone ("Room 254, building 8, floor 29") is a workplace, not someone's address: below
    // the default threshold unless it merges with a street anchor.
    pattern: /(?<![\p{L}\p{N}])(?:Floor|Fl|Room|Rm|Bldg|Building)\.?[ ]*#?[ ]*\d{1,6}[A-Za-z]?(?![\p{L}\p{N}])/gu,
    confidence: UNIT_CONFIDENCE,
  },
];

/** A following segment that reads like a city, region, postcode or country line. */
const TAIL_SEGMENT = /^[ \t]*(?:[\p{L}\p{M}\d][\p{L}\p{M}\d'’. -]{0,38})$/u;
const NOT_ADDRESS = /\b(?:phone|mobile|tel|fax|e-?mail|website|http|www|date|name|card|iban|ssn|account|password|key|token)\b|@/i;

function mergeAnchors(anchors: PiiFinding[], text: string): PiiFinding[] {
  anchors.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: PiiFinding[] = [];
  for (const anchor of anchors) {
    const last = merged[merged.length - 1];
    if (last && anchor.start <= last.end + 3 && /^[\s,]*$/.test(text.slice(last.end, Math.max(last.end, anchor.start)))) {
      last.end = Math.max(last.end, anchor.end);
      const units = last.confidence <= UNIT_CONFIDENCE && anchor.confidence <= UNIT_CONFIDENCE;
      last.confidence = units ? UNIT_CONFIDENCE : Math.min(0.9, Math.max(last.confidence, anchor.confidence) + 0.1);
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
    let segment = text.slice(from, to).replace(/[.?!;:]+[ \t]*$/, '');
    // "Riverton Dear Laura Johansson": the town ends where a greeting starts.
    const greeting = /[ \t](?:Dear|Hi|Hello|Hey|Thanks|Regards|Sincerely|Cheers)\b/.exec(segment);
    if (greeting) segment = segment.slice(0, greeting.index);
    if (segment.trim().length === 0 || !TAIL_SEGMENT.test(segment) || NOT_ADDRESS.test(segment)) break;
    // A new sentence, a greeting or a clause in lowercase is not part of the address ("…Drive.\nDear Maria
    // Dalton, thanks for writing"): a city, region or country line starts with a capital or a postcode.
    if (/^\s*(?:I|We|The|It|Please|Thank|Thanks|Can|Could|My|Our|This|Dear|Hi|Hello|Hey|Regards|Best|Kind|Cheers|Sincerely|Yours)\b/.test(segment)) break;
    if (/^\s*\p{Ll}/u.test(segment)) break;
    end = from + segment.trimEnd().length;
    if (greeting) break;
  }
  finding.end = end;
}

/** "12 September 1941", "3. Mai 1990": the number-name-number anchor's shape, but a date. */
function isDate(match: string): boolean {
  const m = /^\d{1,2}\.?[ ]+([\p{L}]+)\.?,?[ ]+\d{2,4}$/u.exec(match);
  return m !== null && monthNumber(m[1] ?? '') > 0;
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
  const streets = anchors.filter((a) => !isDate(text.slice(a.start, a.end)));
  if (streets.length === 0) return [];
  const merged = mergeAnchors(streets, text);
  for (const finding of merged) extendTail(finding, text);
  return merged;
}
