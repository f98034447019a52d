/**
 * Person names, found deterministically: a cue before the name ("my name is", "Dear", "Name:"), a title
 * ("Mr.", "Dr."), a capitalised sequence that starts with a known given name (data/first-names.ts) or
 * ends with a typical surname ending (-son, -ová, -ski, …), and every later mention of a name found so.
 * Names that are also ordinary words ("Mark", "Rose") score lower, and a sequence followed by a street or
 * company word ("Victor Hugo Street", "Russell Investments") is not a person. Text without any capital
 * letter is read as if title-cased, since capitals then carry no signal.
 * A local NER model can do better; this is the fast floor every request gets.
 */
import type { PiiFinding } from '../pii-finding.js';
import { AMBIGUOUS_FIRST_NAMES, FIRST_NAMES } from '../data/first-names.js';
import { matchesOf, titleCaseIfUncased } from './context-words.js';

const NAMES = new Set(FIRST_NAMES.split(' '));
const AMBIGUOUS = new Set(AMBIGUOUS_FIRST_NAMES.split(' '));

// Capitalised words that begin or continue sentences and headings but are never names.
const NOT_NAMES = new Set(
  (
    'i a an the and or but of in on at to for from by with my your his her our their its this that these those ' +
    'mr mrs ms miss mx dr prof sir madam dear hi hello hey thanks thank regards best sincerely yes no ok please ' +
    'team all everyone everybody guys folks there friends sir madam customer support admin user ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'north south east west new san santa saint st university college school hospital bank ' +
    'phone email e-mail website address name date mobile fax desk office personal info ' +
    'god christmas easter english french german spanish italian american british european ' +
    'when what where who why how if so as is are was were be been it he she we they you me him them us'
  ).split(' '),
);
// Words after a capitalised sequence that make it a place or an organisation, not a person.
const PLACE_OR_ORG = new Set(
  (
    'street st avenue ave road rd lane ln drive dr court ct place pl square boulevard blvd way terrace parkway highway ' +
    'circle crescent close trail alley row walk plaza loop bridge gardens mews grove heights crossing ridge pike ' +
    'creek creeks cliff cliffs lodge parks park flat flats union village villages fort port mount mountain mountains ' +
    'lake lakes river bay harbor harbour island islands valley springs falls hills hill station estate estates ' +
    'center centre mall shoal shoals spur summit track trafficway tunnel turnpike vista view views well wells ' +
    'inc inc. ltd llc plc corp co company group agency investments holdings partners associates foundation bank ' +
    'university college school hospital institute orchestra band movers consulting services solutions systems ' +
    'technologies labs international global capital ventures media studios records airlines'
  ).split(' '),
);
const SURNAME_ENDING =
  /(?:sson|sen|son|dóttir|dottir|ová|ova|ovà|ski|ska|sky|cki|cka|wicz|vich|vić|vic|ić|enko|chuk|uk|yan|ian|idze|dze|shvili|ez|es|oglu|oğlu|ini|elli|etti|escu|aki|opoulos|poulos|akis|berg|mann|stein|feld|ström|qvist|lund|gaard|sen|nen|inen|ek|ák|ný|ský|ová|ei|ko)$/;

const TITLE = /(?<![\p{L}\p{N}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta|Dott)\.?[ ]+(?=\p{Lu})/giu;
const STRONG_CUE =
  /(?<![\p{L}])(?:my name is|my name's|name is|names are|i am called|i'm called|call me|calls me|called me|your name\?|name:|named(?: (?:him|her|them))?|dear|patient:?|signed:?|regards,|sincerely,|cheers,|attn:?|contact person:?)[ \t]*\n?[ \t]*(?=\p{Lu})/giu;
const GREETING_CUE = /(?<![\p{L}])(?:hi|hello|hey|thanks|thank you|this is|i am|i'm|it's|said|ask|tell|told|met|with|by|to)[ ,]+(?=\p{Lu})/giu;
const TOKEN = /(?<![\p{L}\p{M}\p{N}_@.'’-])\p{Lu}(?:[\p{L}\p{M}'’\-]*[\p{L}\p{M}])?(?![\p{L}\p{M}\p{N}_@])/gu;
const NAME_TOKEN = /^\p{Lu}(?:[\p{L}\p{M}'’\-]*[\p{L}\p{M}])?\.?/u;

interface Token {
  start: number;
  end: number;
  key: string;
}

function atSentenceStart(text: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const ch = text[i] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '"' || ch === '(' || ch === '>' || ch === '*' || ch === '-' || ch === '?') continue;
    return ch === '.' || ch === '!' || ch === '\n' || ch === ':';
  }
  return true;
}

/** Capitalised words (and initials) starting at `from`, at most `max`, joined by one or two spaces. */
function nameTokensAt(text: string, from: number, max = 3): Token[] {
  const tokens: Token[] = [];
  let pos = from;
  while (tokens.length < max) {
    const m = NAME_TOKEN.exec(text.slice(pos, pos + 40));
    if (!m) break;
    let word = m[0];
    const possessive = /['’]s\.?$/.test(word);
    if (possessive) word = word.replace(/['’]s\.?$/, '');
    const isInitial = /^\p{Lu}\.?$/u.test(word);
    if (!isInitial) word = word.replace(/\.$/, '');
    const key = word.replace(/\.$/, '').toLowerCase();
    if (NOT_NAMES.has(key) || PLACE_OR_ORG.has(key) || (isInitial && tokens.length === 0)) break;
    tokens.push({ start: pos, end: pos + word.length, key });
    if (possessive) break;
    pos += m[0].length;
    const gap = /^[ ]{1,2}(?=\p{Lu})/u.exec(text.slice(pos, pos + 3));
    if (!gap) break;
    pos += gap[0].length;
  }
  return tokens;
}

/** The next word after a sequence, lowercased, to veto "Victor Hugo Street" or "Russell Investments". */
function vetoedByNext(text: string, end: number): boolean {
  const next = /^[ ]{1,2}([\p{L}.]+|\d)/u.exec(text.slice(end, end + 24));
  if (!next) return false;
  const word = (next[1] ?? '').toLowerCase();
  return PLACE_OR_ORG.has(word) || PLACE_OR_ORG.has(word.replace(/\.$/, '')) || /^\d/.test(word);
}

function finding(tokens: readonly Token[], confidence: number): PiiFinding | undefined {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (!first || !last) return undefined;
  return { type: 'PERSON', start: first.start, end: last.end, confidence };
}

/**
 * `uncased`: the text had no capitals and was title-cased. Every word then looks capitalised, so the rules
 * that lean on capitals alone find names everywhere ("flight leaves" ends like "Reyes", "any progress" starts
 * with a given name, "add it to shopping list" reads like "to Shopping List"). There a sequence needs a given
 * name that is not also a word, a title, a strong cue, or a weak cue followed by two name-like words ("this
 * is maria gonzalez").
 */
function detectInCased(text: string, uncased: boolean): PiiFinding[] {
  const findings: PiiFinding[] = [];
  const add = (tokens: Token[], confidence: number): PiiFinding | undefined => {
    const f = finding(tokens, confidence);
    if (!f) return f;
    if (!vetoedByNext(text, f.end)) findings.push(f);
    // "Name: Olivia Gonzalez Use 5512 …": a sentence-initial word swallowed by a long sequence drew the
    // veto; the two or more words before it are still a name.
    else if (tokens.length >= 3) {
      const shorter = finding(tokens.slice(0, -1), confidence);
      if (shorter && !vetoedByNext(text, shorter.end)) findings.push(shorter);
    }
    return f;
  };
  for (const m of matchesOf(TITLE, text)) add(nameTokensAt(text, m.index + m[0].length), 0.85);
  for (const m of matchesOf(STRONG_CUE, text)) {
    const tokens = nameTokensAt(text, m.index + m[0].length);
    add(tokens, tokens.some((t) => NAMES.has(t.key)) ? 0.9 : 0.8);
  }
  for (const m of matchesOf(GREETING_CUE, text)) {
    const tokens = nameTokensAt(text, m.index + m[0].length);
    const first = tokens[0];
    if (!first) continue;
    // Uncased, a lone word-like name after a weak cue is usually the word ("to say", "with grace").
    if (NAMES.has(first.key) || (AMBIGUOUS.has(first.key) && (!uncased || tokens.length >= 2))) add(tokens, 0.75);
    else if (tokens.length >= 2 && !uncased) add(tokens, 0.6);
  }
  for (const m of matchesOf(TOKEN, text)) {
    const key = m[0].replace(/['’]s$/, '').toLowerCase();
    if (NOT_NAMES.has(key)) continue;
    const clear = NAMES.has(key);
    if (uncased && !clear) continue;
    const ambiguous = AMBIGUOUS.has(key);
    const tokens = nameTokensAt(text, m.index, 4);
    if (tokens.length === 0) continue;
    const last = tokens[tokens.length - 1];
    const surnameLike = tokens.length >= 2 && last !== undefined && last.key.length > 3 && SURNAME_ENDING.test(last.key);
    const sentenceStart = atSentenceStart(text, m.index);
    let confidence = 0;
    if (clear) confidence = tokens.length >= 2 ? 0.75 : 0.55;
    else if (ambiguous) confidence = tokens.length >= 2 ? (sentenceStart ? 0.45 : 0.6) : 0.3;
    if (surnameLike) confidence = Math.max(confidence, 0.65);
    if (confidence === 0) continue;
    const f = add(tokens, confidence);
    if (f) TOKEN.lastIndex = Math.max(TOKEN.lastIndex, f.end);
  }
  return findings;
}

/** Later mentions of a name already found ("… directed by Bryan Maclean and starring Maclean"). */
function propagate(text: string, findings: PiiFinding[], minConfidence: number): PiiFinding[] {
  const parts = new Set<string>();
  for (const f of findings) {
    if (f.confidence < minConfidence) continue;
    for (const part of text.slice(f.start, f.end).split(/[ .]+/)) {
      if (part.length >= 3 && !NOT_NAMES.has(part.toLowerCase())) parts.add(part);
    }
  }
  if (parts.size === 0) return findings;
  const extra: PiiFinding[] = [];
  const covered = new Uint8Array(text.length);
  for (const f of findings) covered.fill(1, f.start, f.end);
  for (const m of matchesOf(TOKEN, text)) {
    const word = m[0].replace(/['’]s$/, '');
    if (!parts.has(word) || covered[m.index] === 1) continue;
    extra.push({ type: 'PERSON', start: m.index, end: m.index + word.length, confidence: 0.7 });
  }
  return extra.length === 0 ? findings : [...findings, ...extra];
}

export function detectPersons(text: string): PiiFinding[] {
  const cased = titleCaseIfUncased(text);
  return propagate(cased, detectInCased(cased, cased !== text), 0.5);
}
