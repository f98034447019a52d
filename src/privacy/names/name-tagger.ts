/**
 * The name tagger: a linear model over hashed token features (name-features.ts), applied left to right so
 * each token sees the previous token's label (greedy decoding of an averaged perceptron). Only candidate
 * tokens are scored — capitalised words, words of scripts without case, CJK characters, and lowercase words
 * that a list or a cue makes plausible — so a long English prompt costs a few dozen scorings, not hundreds.
 * A token is a name when its score passes the threshold of its regime: a word of an uncased script (Arabic,
 * CJK, Thai …), a cased-script word in a text with capitals, or one in an all-lowercase text (most chat
 * requests, where a capital cannot help and false alarms are many). Tagged runs become spans; a span's
 * confidence is σ(a · (mean score − threshold)), so 0.5 sits at the threshold.
 */
import { Lex, type Lexicon } from './name-lexicon.js';
import { FEATURE_MASK, MAX_FEATURES, type FeatureInput, tokenFeatures } from './name-features.js';
import { TokenFlag, type TokenBuffer, hashRange } from './name-tokens.js';
import { Script, isCharTokenScript } from './script-class.js';

export interface NameWeights {
  /** One weight per hashed feature (FEATURE_MASK + 1 of them). */
  weights: Float32Array;
  /** Token score above which a token is part of a name, per regime (see thresholdFor). */
  thresholds: NameThresholds;
  /** Slope of the logistic calibration: p = 1 / (1 + exp(-a · (score − threshold))). */
  calibration: { a: number };
}

export interface NameThresholds {
  /** A word of a cased script (Latin, Cyrillic, Greek, Armenian) in a text with capitals. */
  cased: number;
  /** A word of a cased script in a text without any capital. */
  lowercase: number;
  /** A word or character of an uncased script. */
  uncased: number;
}

export type NameRegime = keyof NameThresholds;

export function regimeOf(tokens: TokenBuffer, i: number): NameRegime {
  if (!isCasedScript(tokens.script[i]! as Script)) return 'uncased';
  return tokens.lowercase ? 'lowercase' : 'cased';
}

export function thresholdFor(model: NameWeights, tokens: TokenBuffer, i: number): number {
  return model.thresholds[regimeOf(tokens, i)];
}

const CUE_BITS = Lex.Title | Lex.NameCue;
const NAME_BITS = Lex.Given | Lex.AmbiguousGiven | Lex.Surname;

/** Whether token `i` is worth scoring; the rest are labelled "not a name" without a look. */
export function isCandidate(input: FeatureInput, i: number, prevLabel: number): boolean {
  const { tokens, lexBits } = input;
  const flags = tokens.flags[i]!;
  if ((flags & TokenFlag.Number) !== 0) return false;
  // Function words ("The", "my", "Please") never start a name, whatever a list says; inside one they are
  // decided by the span rules, so they are skipped only when no name is running.
  if (prevLabel === 0 && (lexBits[i]! & Lex.NotName) !== 0) return false;
  // Nor does a function word of some language that no list holds as a name ("से", "دارد", "naar").
  if (prevLabel === 0 && (lexBits[i]! & (Lex.StopWord | NAME_BITS)) === Lex.StopWord) return false;
  const script = tokens.script[i]! as Script;
  if (script !== Script.Latin && script !== Script.Cyrillic && script !== Script.Greek && script !== Script.Armenian) return true;
  if ((flags & TokenFlag.Capital) !== 0 || prevLabel === 1) return true;
  if ((lexBits[i]! & NAME_BITS) !== 0) return true;
  return (i > 0 && (lexBits[i - 1]! & CUE_BITS) !== 0) || (i > 1 && (lexBits[i - 2]! & Lex.NameCue) !== 0);
}

export interface TagScratch {
  features: Int32Array;
  scores: Float32Array;
  labels: Uint8Array;
}

export function createTagScratch(capacity = 512): TagScratch {
  return { features: new Int32Array(MAX_FEATURES), scores: new Float32Array(capacity), labels: new Uint8Array(capacity) };
}

function ensure(scratch: TagScratch, n: number): void {
  if (scratch.scores.length >= n) return;
  scratch.scores = new Float32Array(Math.max(n, scratch.scores.length * 2));
  scratch.labels = new Uint8Array(scratch.scores.length);
}

/** Scores every token (NaN for tokens that are not candidates) and labels it 1 (name) or 0, left to right. */
export function tagTokens(input: FeatureInput, model: NameWeights, scratch: TagScratch): void {
  const { tokens } = input;
  ensure(scratch, tokens.count);
  const { features, scores, labels } = scratch;
  const w = model.weights;
  let prev = 0;
  for (let i = 0; i < tokens.count; i++) {
    if (!isCandidate(input, i, prev)) {
      scores[i] = Number.NaN;
      labels[i] = 0;
      prev = 0;
      continue;
    }
    const n = tokenFeatures(input, i, prev, features);
    let s = 0;
    for (let k = 0; k < n; k++) s += w[features[k]! & FEATURE_MASK]!;
    scores[i] = s;
    prev = s > thresholdFor(model, tokens, i) ? 1 : 0;
    labels[i] = prev;
  }
}

/** Whether two tagged tokens belong to one name: adjacent CJK characters, or words apart by spaces, a hyphen or an initial's dot. */
export function continuesName(text: string, tokens: TokenBuffer, i: number): boolean {
  const a = tokens.end[i - 1]!;
  const b = tokens.start[i]!;
  if (b === a) return true;
  if (b - a > 3) return false;
  // "chat.completions" is a member access, "J.R." an initial.
  if (b - a === 1 && text.charCodeAt(a) === 46 && tokens.end[i - 1]! - tokens.start[i - 1]! > 1) return false;
  for (let k = a; k < b; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 46 && c !== 45 && c !== 0xa0 && c !== 0x30fb && c !== 0xb7) return false;
  }
  return true;
}

/** A capitalised word of a cased script, joined by a lone space, that is not a function, place or company word. */
function runsOnName(text: string, tokens: TokenBuffer, lexBits: Uint16Array | undefined, k: number): boolean {
  if (tokens.start[k]! - tokens.end[k - 1]! !== 1 || text.charCodeAt(tokens.end[k - 1]!) !== 32) return false;
  const flags = tokens.flags[k]!;
  if ((flags & TokenFlag.Capital) === 0 || (flags & TokenFlag.AllCaps) !== 0) return false;
  if (!isCasedScript(tokens.script[k]! as Script) || tokens.end[k]! - tokens.start[k]! < 2) return false;
  if (lexBits === undefined) return true;
  // Not a cue or title ("Dear", "Mr") nor a given name: those start the next name rather than end this one.
  const bits = lexBits[k]!;
  return !notStart(bits) && (bits & (Lex.Title | Lex.NameCue | Lex.Given | Lex.AmbiguousGiven)) === 0;
}

function cueBefore(lexBits: Uint16Array | undefined, i: number): boolean {
  if (lexBits === undefined) return true;
  return (i > 0 && (lexBits[i - 1]! & CUE_BITS) !== 0) || (i > 1 && (lexBits[i - 2]! & Lex.NameCue) !== 0);
}

function notStart(bits: number): boolean {
  return (bits & Lex.NotName) !== 0 || ((bits & Lex.PlaceOrOrg) !== 0 && (bits & NAME_BITS) === 0) || isCueOnly(bits);
}

/** A title or cue ("Dear", "Herr", "name") that no list holds as a name: it starts the next name, it is not part of one. */
function isCueOnly(bits: number): boolean {
  return (bits & CUE_BITS) !== 0 && (bits & NAME_BITS) === 0;
}

function isCasedScript(s: Script): boolean {
  return s === Script.Latin || s === Script.Cyrillic || s === Script.Greek || s === Script.Armenian;
}

/** A '.' or '-' at `at` with something other than a space on its far side (`beyond`): "chat.completions", "clean-0". */
function joinsIdentifier(text: string, at: number, beyond: number): boolean {
  const c = text.charCodeAt(at);
  return (c === 46 || c === 45) && beyond >= 0 && beyond < text.length && !isSpace(text.charCodeAt(beyond));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** Digits, '_', '@', '/', '\\' (NaN at either end of the text is not). */
function glued(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 95 || c === 64 || c === 47 || c === 92;
}

export interface ScoredSpan {
  start: number;
  end: number;
  /** Mean token score over the span. */
  score: number;
  firstToken: number;
  lastToken: number;
}

/**
 * The lists anchor what the tagger misses in a context unlike its training sentences: a capitalised given
 * name from the lists right after a title or cue on the same line ("… verify Dear Laura Vasquez"), or
 * right before a word the tagger took for a name ("Peter Dalton" with only "Dalton" tagged), is labelled
 * a name, scored as a token just past its threshold when the tagger scored it lower. Given names that are
 * also words ("Will", "May") count here, where the cue or the next name vouches for them; function words
 * do not.
 */
export function anchorListedNames(text: string, input: FeatureInput, model: NameWeights, scratch: TagScratch): void {
  const { tokens, lexBits } = input;
  const { labels, scores } = scratch;
  for (let k = 0; k < tokens.count; k++) {
    if (labels[k] === 1) continue;
    const bits = lexBits[k]!;
    if ((bits & (Lex.Given | Lex.AmbiguousGiven)) === 0 || (bits & Lex.NotName) !== 0) continue;
    const flags = tokens.flags[k]!;
    if ((flags & TokenFlag.Capital) === 0 || (flags & TokenFlag.AllCaps) !== 0 || !isCasedScript(tokens.script[k]! as Script)) continue;
    const afterCue = k > 0 && (lexBits[k - 1]! & CUE_BITS) !== 0 && tokens.start[k]! - tokens.end[k - 1]! === 1 && text.charCodeAt(tokens.end[k - 1]!) === 32;
    const beforeName = k + 1 < tokens.count && labels[k + 1] === 1 && tokens.start[k + 1]! - tokens.end[k]! === 1 && text.charCodeAt(tokens.end[k]!) === 32;
    if (!afterCue && !beforeName) continue;
    labels[k] = 1;
    const floor = thresholdFor(model, tokens, k) + 1 / model.calibration.a;
    const score = scores[k]!;
    scores[k] = Number.isNaN(score) || score < floor ? floor : score;
  }
}

/**
 * How many characters at token `i` of a script written one token per character spell a cue or title of two or
 * three characters ("이름은", "收件人"), which the per-character lexicon bits cannot see; 0 when none does.
 */
function cjkCueLength(tokens: TokenBuffer, lexicon: Lexicon, i: number): number {
  if (!isCharTokenScript(tokens.script[i]! as Script)) return 0;
  for (let k = 3; k >= 2; k--) {
    const last = i + k - 1;
    if (last >= tokens.count || tokens.end[last - 1]! !== tokens.start[last]! || (k === 3 && tokens.end[i]! !== tokens.start[i + 1]!)) continue;
    if ((lexicon.bits(hashRange(tokens.lower, tokens.start[i]!, tokens.end[last]!)) & CUE_BITS) !== 0) return k;
  }
  return 0;
}

/** Runs of name-labelled tokens as character spans. */
export function spansOf(text: string, tokens: TokenBuffer, scratch: TagScratch, lexBits?: Uint16Array, lexicon?: Lexicon): ScoredSpan[] {
  const spans: ScoredSpan[] = [];
  let i = 0;
  while (i < tokens.count) {
    // Nor on the characters of a cue ("이름은 김민수": the name starts after "name is").
    const cue = scratch.labels[i] === 1 && lexicon !== undefined ? cjkCueLength(tokens, lexicon, i) : 0;
    if (cue > 0) {
      i += cue;
      continue;
    }
    // A span does not start on a function word ("has", "just", "may": never a name however a list spells
    // it) or on a street or company word that is not also a name ("Rue de Rivoli 12" is an address).
    if (scratch.labels[i] !== 1 || (lexBits !== undefined && notStart(lexBits[i]!))) {
      i++;
      continue;
    }
    // In a text with capitals, a name in lowercase needs a cue right before it ("name: çağla yıldız");
    // otherwise it is a word the lists happen to hold ("Rue de Rivoli").
    if (tokens.cased && isCasedScript(tokens.script[i]! as Script) && (tokens.flags[i]! & TokenFlag.Capital) === 0 && !cueBefore(lexBits, i)) {
      i++;
      continue;
    }
    let j = i;
    let sum = scratch.scores[i]!;
    let runStart = i;
    while (
      j + 1 < tokens.count &&
      scratch.labels[j + 1] === 1 &&
      continuesName(text, tokens, j + 1) &&
      (lexBits === undefined || !isCueOnly(lexBits[j + 1]!))
    ) {
      // CJK characters join across a space ("熊谷 愛") only after two or more: a lone one is a particle ("은 김민수").
      const gap = tokens.start[j + 1]! > tokens.end[j]!;
      if (gap && isCharTokenScript(tokens.script[j]! as Script) && j - runStart < 1) break;
      if (gap) runStart = j + 1;
      j++;
      sum += scratch.scores[j]!;
    }
    // In a text with capitals, a capitalised name does not run on into lowercase words ("Dr. Watson
    // yesterday"): the previous-label feature pulls the next word in, and the capital is the better evidence.
    const firstCapital = (tokens.flags[i]! & TokenFlag.Capital) !== 0;
    let last = j;
    while (tokens.cased && firstCapital && last > i && isCasedScript(tokens.script[last]! as Script) && (tokens.flags[last]! & TokenFlag.Capital) === 0) {
      last--;
    }
    // Nor does it end on a function word in lowercase ("maria and"); "Nguyễn Văn An" keeps its "An".
    while (lexBits !== undefined && last > i && (lexBits[last]! & Lex.NotName) !== 0 && (tokens.flags[last]! & TokenFlag.Capital) === 0) last--;
    // Nor on a function word of some language that no list holds as a name, in any case ("… वाली से").
    while (lexBits !== undefined && last > i && (lexBits[last]! & (Lex.StopWord | NAME_BITS)) === Lex.StopWord) last--;
    if (last < j) {
      sum = 0;
      for (let k = i; k <= last; k++) sum += scratch.scores[k]!;
    }
    // A capitalised name runs on over one capitalised word right after it on the same line that the tagger
    // left out ("Name: Peter Whitfield", a surname the lists lack): a given name is rarely followed by a
    // capitalised word that is not part of the name. Only extends a span already found, so it adds no
    // finding of its own; the score stays that of the tagged tokens.
    const tagged = last - i + 1;
    if (tokens.cased && firstCapital && last === j) {
      if (last + 1 < tokens.count && last - i < 3 && scratch.labels[last + 1] !== 1 && runsOnName(text, tokens, lexBits, last + 1)) last++;
    }
    // A lone CJK character is a surname or a word, not a whole name; letters glued to digits, '_', '@' or
    // '/', or joined by '.' or '-' to more, are an identifier ("AKIAIOSFODNN7EXAMPLE", "user_anna",
    // "clean-0", "chat.completions"), not a name.
    const single = i === last && isCharTokenScript(tokens.script[i]! as Script);
    const start = tokens.start[i]!;
    const end = tokens.end[last]!;
    const member = joinsIdentifier(text, start - 1, start - 2) || joinsIdentifier(text, end, end + 1);
    if (!single && !member && !glued(text.charCodeAt(start - 1)) && !glued(text.charCodeAt(end)))
      spans.push({ start, end, score: sum / tagged, firstToken: i, lastToken: last });
    i = j + 1;
  }
  return spans;
}

export function calibrated(model: NameWeights, score: number, threshold: number): number {
  return 1 / (1 + Math.exp(-model.calibration.a * (score - threshold)));
}
