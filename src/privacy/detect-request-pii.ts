/**
 * Detection over a whole request, reading it the way the model will: the conversation's texts (message
 * contents and text parts, every role) as one running text, so a value cut across two parts or two turns
 * ("My card is 4111 1111" + " 1111 1111") is found whole and mapped back to both halves; every other
 * field (`metadata`, `stop`, tool schemas, tool arguments …) on its own, its field name read as the
 * cue a bare value lacks. In a field without prose (`stop`, a message `name`, an image URL's parts, a
 * tool-call argument's value) an identifier-shaped value counts as `IDENTIFIER` (bare-identifier.ts).
 *
 * The conversation is read twice: each text on its own, and around each seam between two parts or two
 * adjacent turns with the halves joined as the model reads them, with nothing between, which is how a
 * value the client cut reads whole. A finding from the second reading counts only where it crosses a
 * seam. Where two findings overlap, the union is kept: a placeholder never covers less than any reading found.
 *
 * Pure CPU work on strings, no closures in the inputs: the same function runs in the worker that takes
 * large bodies off the event loop (detect-pii-pool.ts).
 */
import { bareIdentifierSpans, isReadableIdentifier, urlParts } from './bare-identifier.js';
import { DEFAULT_MIN_CONFIDENCE, detectPii, type DetectPiiOptions } from './detect-pii.js';
import type { PiiFinding, PiiType } from './pii-finding.js';
import { requestTexts, type RequestText } from './request-texts.js';
import { holdsListedName } from './names/name-lexicon.js';
import { isSystemRole, systemPromptFindings } from './system-prompt-findings.js';
import type { ChatRequest } from '../spec/chat-request.js';

/** Where one part of a finding lies: `texts[text].text.slice(start, end)`. */
export interface FindingPiece {
  text: number;
  start: number;
  end: number;
}

/** A finding across a request: one piece, or several when the value was cut across parts or turns. */
export interface RequestPiiFinding {
  type: PiiType;
  confidence: number;
  /** The whole value as read (the pieces joined). */
  value: string;
  pieces: FindingPiece[];
}

/** The options detection takes across a thread boundary (no extra detectors: functions do not cross). */
export type RequestDetectOptions = Pick<DetectPiiOptions, 'minConfidence' | 'types'>;

/** Characters either side of a seam read in the second reading: enough for a cue and the longest common value. */
const SEAM_WINDOW = 160;

/** `{"date_of_birth": …}` is read as "date of birth: …"; `maria_gonzalez` as a name is "maria gonzalez". */
function cueLabel(cue: string): string {
  return `${cue
    .replace(/[_-]?\d+$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')}: `;
}

interface Span {
  type: PiiType;
  confidence: number;
  start: number;
  end: number;
}

/** Detects in one field on its own, with its cue; spans are in the text's own offsets. */
function detectField(t: RequestText, options: RequestDetectOptions): Span[] {
  // An identifier (a message `name`) is also read with `_` and `-` as spaces: `maria_gonzalez` is a name.
  const spans: Span[] = detectPii(t.text, options);
  const identifier = t.onFinding === 'drop';
  const text = identifier ? t.text.replace(/[_-]/g, ' ') : t.text;
  if (text !== t.text) spans.push(...detectPii(text, options));
  if (t.cue !== undefined) {
    const label = cueLabel(t.cue);
    // Read without the label too (above), and keep the union: the label can make a weaker finding win an
    // overlap ("user: jane.doe@example.com" reads "jane" as a name, which would hide only part of the address).
    for (const f of detectPii(label + text, options)) {
      if (f.end <= label.length) continue;
      spans.push({ ...f, start: Math.max(0, f.start - label.length), end: f.end - label.length });
    }
  }
  // A message name made of readable words is an identifier a developer chose (`user_proxy`, `code_reviewer`):
  // with no sentence around it the name model guesses, so a person there must hold a listed name
  // (`maria_gonzalez`). Any other name (`_.VESuUbW`) keeps every finding: whatever covers it hides it.
  if (!identifier || !isReadableIdentifier(t.text)) return spans;
  return spans.filter((s) => s.type !== 'PERSON' || holdsListedName(t.text.slice(s.start, s.end)));
}

/** Confidence of an `IDENTIFIER`: a shape in a field without context, above the default threshold. */
export const BARE_IDENTIFIER_CONFIDENCE = 0.6;

// Query parameter names that say a value is personal: read as its cue (`?name=Maria%20Gonzalez` as "name: …").
// Other names are not: "ref: Change currency" reads "Change" as a name.
const PERSONAL_KEY = /name|mail|dob|birth|phone|tel|mobile|user|passport|ssn|addr|account|iban|card|pass|pwd|token|secret|key/i;

/**
 * What a field without prose adds: a URL's query values read decoded (`?email=jane%40example.com`,
 * `?name=Maria%20Gonzalez`), a telling parameter name as the cue, and identifier-shaped values.
 */
function detectBare(t: RequestText, found: readonly Span[], options: RequestDetectOptions): Span[] {
  if (t.bare === undefined) return [];
  const spans: Span[] = [];
  // Added where a finding already is too: the union is kept, so a finding over part of the value grows to all of it.
  const free = (start: number, end: number): boolean => !found.some((f) => f.start <= start && end <= f.end);
  if (t.bare === 'url') {
    for (const part of urlParts(t.text)) {
      if (part.value === t.text.slice(part.start, part.end) && part.key === undefined) continue;
      const label = part.key !== undefined && PERSONAL_KEY.test(part.key) ? cueLabel(part.key) : '';
      const hit = detectPii(label + part.value, options).find((f) => f.end > label.length);
      if (hit && free(part.start, part.end)) spans.push({ type: hit.type, confidence: hit.confidence, start: part.start, end: part.end });
    }
  }
  const wanted =
    (options.types === undefined || options.types.includes('IDENTIFIER')) && BARE_IDENTIFIER_CONFIDENCE >= (options.minConfidence ?? DEFAULT_MIN_CONFIDENCE);
  if (!wanted) return spans;
  // A tool argument's key or a query parameter's name says what a value is; a `name` or `stop` has none.
  const key = t.inner !== undefined ? t.cue : undefined;
  for (const s of bareIdentifierSpans(t.text, t.bare, key)) {
    if (free(s.start, s.end)) spans.push({ type: 'IDENTIFIER', confidence: BARE_IDENTIFIER_CONFIDENCE, start: s.start, end: s.end });
  }
  return spans;
}

/**
 * Whether the seam before flow text `k` may cut a value: between two parts of one message, or two adjacent
 * turns of the same role (a user finishing a number in their next message); not where a sentence ends and
 * the next text starts a new one straight after it ("…ops@example.com." + "Also …" would read as a longer
 * address). A next text starting with a space reads like any two sentences in one text, so it is read across. Anything else is read across: a value cut anywhere,
 * even between two letters, is found. The cost: a text that starts right after an e-mail address can be
 * read as its continuation ("…ops@example.com" + "SSN 123" as one address), which over-hides, never leaks.
 */
function mayBeCut(texts: readonly RequestText[], flow: readonly number[], k: number): boolean {
  const before = texts[flow[k - 1] as number] as RequestText;
  const after = texts[flow[k] as number] as RequestText;
  if (before.turn !== after.turn && (before.role !== after.role || (after.turn ?? 0) - (before.turn ?? 0) !== 1)) return false;
  // A new sentence starts with a word ("Also …", "Yes."), not with "MaCe9@…" or "WhW50": a password cut after
  // its "!" or "." reads on.
  return !(/[.!?]$/.test(before.text) && /^\p{Lu}\p{Ll}+(?![\p{L}\p{N}@_-])/u.test(after.text));
}

/** Keeps the union of overlapping spans: coverage never shrinks. */
function unionSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      // The longer reading names the merged value: an e-mail address beats the name read at its start.
      if (s.end - s.start > last.end - last.start) {
        last.type = s.type;
        last.confidence = s.confidence;
      }
      last.end = Math.max(last.end, s.end);
    } else out.push({ ...s });
  }
  return out;
}

/**
 * The conversation's findings. `flow` holds the indexes (into `texts`) of the message contents in order;
 * spans come back in "tight" offsets: the texts concatenated with nothing between them.
 */
function detectConversation(texts: readonly RequestText[], flow: readonly number[], options: RequestDetectOptions): Span[] {
  // Reading 1: each text on its own, as the detectors were measured (joining the turns first was tried: it
  // changed the name model's context and lost names it finds in the text alone).
  const tightAt: number[] = [];
  let tight = 0;
  const spans: Span[] = [];
  for (const i of flow) {
    const t = texts[i] as RequestText;
    tightAt.push(tight);
    const found = isSystemRole(t.role) ? systemPromptFindings(t.text, options) : detectPii(t.text, options);
    for (const f of found) spans.push({ type: f.type, confidence: f.confidence, start: tight + f.start, end: tight + f.end });
    tight += t.text.length;
  }

  // Reading 2: around each seam, the halves side by side. Nearby windows merge, so each character is read once.
  if (flow.length > 1) {
    const tightText = flow.map((i) => (texts[i] as RequestText).text).join('');
    const seams = tightAt.slice(1).filter((_, k) => mayBeCut(texts, flow, k + 1));
    const ranges: Array<[number, number]> = [];
    for (const s of seams) {
      const from = Math.max(0, s - SEAM_WINDOW);
      const to = Math.min(tightText.length, s + SEAM_WINDOW);
      const last = ranges[ranges.length - 1];
      if (last && from <= last[1]) last[1] = to;
      else ranges.push([from, to]);
    }
    let seam = 0;
    for (const [from, to] of ranges) {
      const window = tightText.slice(from, to);
      const inside: number[] = [];
      while (seam < seams.length && (seams[seam] as number) < to) inside.push((seams[seam++] as number) - from);
      for (const f of detectPii(window, options)) {
        if (inside.some((s) => f.start < s && s < f.end)) spans.push({ type: f.type, confidence: f.confidence, start: from + f.start, end: from + f.end });
      }
    }
  }
  return unionSpans(spans);
}

/** Findings across the given texts (as requestTexts lists them). */
export function detectInTexts(texts: readonly RequestText[], options: RequestDetectOptions = {}): RequestPiiFinding[] {
  const findings: RequestPiiFinding[] = [];
  const flow: number[] = [];
  // Schema and metadata strings repeat ("string", "object"): each distinct (cue, text) is read once.
  const memo = new Map<string, Span[]>();
  texts.forEach((t, i) => {
    if (t.turn !== undefined) {
      flow.push(i);
      return;
    }
    const memoKey = `${t.cue ?? ''}\u0000${t.onFinding === 'drop' ? 'd' : ''}${t.bare ?? ''}${t.inner !== undefined ? 'i' : ''}\u0000${t.text}`;
    let spans = memo.get(memoKey);
    if (!spans) {
      const field = detectField(t, options);
      spans = unionSpans([...field, ...detectBare(t, field, options)]);
      memo.set(memoKey, spans);
    }
    for (const s of spans)
      findings.push({ type: s.type, confidence: s.confidence, value: t.text.slice(s.start, s.end), pieces: [{ text: i, start: s.start, end: s.end }] });
  });
  if (flow.length === 0) return findings;
  const starts: number[] = [];
  let tight = 0;
  for (const i of flow) {
    starts.push(tight);
    tight += (texts[i] as RequestText).text.length;
  }
  for (const s of detectConversation(texts, flow, options)) {
    const pieces: FindingPiece[] = [];
    let value = '';
    flow.forEach((i, k) => {
      const from = starts[k] as number;
      const text = (texts[i] as RequestText).text;
      const start = Math.max(s.start, from);
      const end = Math.min(s.end, from + text.length);
      if (start < end) {
        pieces.push({ text: i, start: start - from, end: end - from });
        value += text.slice(start - from, end - from);
      }
    });
    if (pieces.length > 0) findings.push({ type: s.type, confidence: s.confidence, value, pieces });
  }
  return findings;
}

/** Findings across a whole request, each with the texts it lies in. */
export function detectPiiInRequest(
  request: Pick<ChatRequest, 'messages'> & Partial<Pick<ChatRequest, 'params' | 'extra'>>,
  options: RequestDetectOptions = {},
): { texts: RequestText[]; findings: RequestPiiFinding[] } {
  const texts = requestTexts(request);
  return { texts, findings: detectInTexts(texts, options) };
}

/** Counts per type, the only form in which findings may appear in headers, explanations and the audit log. */
export function countFindings(findings: readonly Pick<PiiFinding, 'type'>[]): Partial<Record<PiiType, number>> {
  const counts: Partial<Record<PiiType, number>> = {};
  for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
  return counts;
}
