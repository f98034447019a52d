/**
 * Identifier-shaped values in fields that carry no prose: a `stop` sequence, a message `name`, an image
 * URL's path segments and query values, a short tool-call argument value. Such a field gives a detector no
 * sentence and no cue, so a bare `848 74 2647`, `15 dezembro 1948`, `C48658753` or `Alrvxr83#` there is
 * found by none of them; yet nothing a client puts in these fields needs to be an identifier of that shape,
 * so a value that looks like one is reported as `IDENTIFIER` (docs/decisions/pii-carriers.md).
 *
 * Identifier-shaped (in such a field, and only there):
 * - a run of letters and digits with at least five digits, or four digits and a letter or separator
 *   (`848 74 2647`, `5/8/1954`, `S9468574`, `5114.71.269`), as the cue guard counts them; amounts and clock
 *   times (`10:30`) are not;
 * - a date with a month name (`23. Oktober 1989`, `March 18, 2006`, `15 de julio de 1990`);
 * - a password-shaped token: six or more characters with a letter, not a readable identifier
 *   (`agent_2`, `gpt-4o`, `Observation:`, `END_OF_TURN`), and either a digit or three character classes
 *   (`Alrvxr83#`, `QwErTy!?`), so special tokens (`<|im_end|>`, `[/INST]`, `</s>`) and words are not.
 *
 * Prose is left to the detectors: a value of more than five words or 64 characters, or of three words or
 * more that ends like a sentence, is not a bare value.
 * A tool argument or query value whose key names a quantity, a time or a size (`date`, `amount`, `width`,
 * `page`, `v`) is not held to the digit rules, only to the password shape.
 */
import { matchesOf } from './detectors/context-words.js';
import { monthNumber } from './detectors/month-names.js';

/** What the text is: one bare value, or a URL whose path segments and query values are bare values. */
export type BareShape = 'value' | 'url';

export interface BareSpan {
  start: number;
  end: number;
}

const MAX_BARE_LENGTH = 64;
const MAX_BARE_WORDS = 5;

// As the cue guard reads an identifier: letters and digits, separators of one or two characters inside.
const DIGIT_RUN = /(?<![\p{L}\p{N}])[\p{L}\p{N}]*\d[\p{L}\p{N}]*(?:[ ./\-:,]{1,2}[\p{L}\p{N}]*\d[\p{L}\p{N}]*)*/gu;
const CLOCK = /^\d{1,2}:\d{2}(?::\d{2})?$/;
// Random tokens (a UUID, a content hash): pseudonymous by construction, and what URLs and tool calls are full of.
const RANDOM_TOKEN =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{16,}|(?=[0-9A-F]*[A-F])(?=[0-9A-F]*\d)[0-9A-F]{16,})$/;
// A thumbnail width or a pixel size in a file name ("2560px-…", "800x600"): layout, not identity.
const SIZE = /^\d{2,5}(?:px|x\d{2,5})$/i;

function digitRunIdentifier(value: string): boolean {
  for (const m of matchesOf(DIGIT_RUN, value)) {
    const token = m[0];
    if (CLOCK.test(token) || SIZE.test(token) || RANDOM_TOKEN.test(token)) continue;
    const before = value.slice(Math.max(0, m.index - 2), m.index);
    const after = value.slice(m.index + token.length, m.index + token.length + 9);
    if (/[$€£¥₹]\s?$/.test(before) || /^\s?(?:%|percent|eur|usd|gbp|euro|dollars?|pounds?)\b/i.test(after)) continue;
    const digits = token.replace(/\D/g, '').length;
    if (digits >= 5 || (digits >= 4 && /\D/.test(token))) return true;
  }
  return false;
}

// "23. Oktober 1989", "15 de julio de 1990", "March 18, 2006", "Oct. 14 1985": a real month name between the numbers.
const DAY_MONTH_YEAR = /(?<!\d)\d{1,2}\.?(?:\s+de)?\s*[ .\-/]\s*(\p{L}{3,10})\.?(?:\s+de)?[ .\-/,]+\d{2,4}(?!\d)/u;
const MONTH_DAY_YEAR = /(?<!\p{L})(\p{L}{3,10})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}(?!\d)/u;

function monthNameDate(value: string): boolean {
  for (const pattern of [DAY_MONTH_YEAR, MONTH_DAY_YEAR]) {
    const m = pattern.exec(value);
    if (m && monthNumber(m[1] ?? '') > 0) return true;
  }
  return false;
}

// Segments of a readable identifier: a word (Capitalised or uncased) with up to three digits, a word in
// capitals (with digits only after five letters or fewer: `GPT4`, not `AJUKHUD02`), or a short number.
const READABLE_SEGMENT = /^(?:(?:\p{Lu}?\p{Ll}+|\p{Lo}+)\d{0,3}|\p{Lu}+|\p{Lu}{1,5}\d{1,3}|\d{1,3}\p{Ll}?)?$/u;

// A word's own punctuation: a pair of quotes or brackets around it, a trailing comma, an apostrophe inside ("McDonald's").
const WRAPPED = /^["'“‘«([](.*)["'”’»)\]]$/u;

/** Words joined by `_`, `-`, `.`, `:`, `/` or an apostrophe, each of a readable shape: `user_proxy`, `agent_12`, `gpt-4o`. */
export function isReadableIdentifier(token: string): boolean {
  return token.split(/[_\-.:/'’]+/).every((segment) => READABLE_SEGMENT.test(segment));
}

function passwordShaped(raw: string): boolean {
  const unlisted = raw.replace(/[,;]+$/, '');
  const token = WRAPPED.exec(unlisted)?.[1] ?? unlisted;
  if (token.length < 6 || !/\p{L}/u.test(token) || RANDOM_TOKEN.test(token)) return false;
  if (isReadableIdentifier(token)) return false;
  // With a digit, any symbol counts (`Rtwsvw95!`).
  if (/\d/.test(token)) return true;
  // Without one, three kinds of character (`QwErTy!?`), a sentence's own end not counted ("ATM's?").
  const word = token.replace(/[.!?:]$/, '');
  if (isReadableIdentifier(word)) return false;
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /[^\p{L}\p{N}\s_\-.:/'’]/u].filter((r) => r.test(word)).length;
  return classes >= 3;
}

// Keys whose values are quantities, times, sizes or versions, not people: `{"date": "2026-05-12"}`, `?w=1200`.
const BENIGN_KEY_WORDS = new Set([
  // Not `to` or `from`: they name the recipient of a message as often as the end of a range.
  'date',
  'time',
  'datetime',
  'timestamp',
  'ts',
  'when',
  'start',
  'end',
  'since',
  'until',
  'after',
  'before',
  'deadline',
  'created',
  'updated',
  'modified',
  'expires',
  'expiry',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'duration',
  'seconds',
  'ms',
  'amount',
  'price',
  'total',
  'cost',
  'qty',
  'quantity',
  'count',
  'limit',
  'offset',
  'page',
  'size',
  'width',
  'height',
  'w',
  'h',
  'dpr',
  'zoom',
  'scale',
  'crop',
  'fit',
  'lat',
  'lon',
  'lng',
  'latitude',
  'longitude',
  'version',
  'v',
  'ver',
  'rev',
  'sku',
  'order',
  'invoice',
  'tracking',
  'format',
  'lang',
  'locale',
  'unit',
  'units',
  'currency',
  'temperature',
  'max',
  'min',
  'quality',
  'q',
]);

function benignKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  return (
    words.length > 0 &&
    words.some((w) => BENIGN_KEY_WORDS.has(w)) &&
    !words.some((w) => /^(?:birth|dob|born|passport|ssn|id|phone|mobile|tel|account|iban|card|password|pin|secret|token|user|name|email)$/.test(w))
  );
}

// Characters a URL path is made of (RFC 3986 unreserved, and `@ + , =` that file names use: `logo@2x.png`).
const PATH_CHARS = /^[A-Za-z0-9._~\-@+,=]*$/;

/**
 * Whether a bare value is identifier-shaped; `key` is its field name, when it has one. A URL path segment
 * (`pathSegment`) is held to the password shape only when it has a character paths are not made of: short
 * random ids (`Xk3pQ9z.jpeg`) and slugs are what paths are full of.
 */
export function identifierShaped(value: string, key?: string, pathSegment = false): boolean {
  const v = value.trim();
  if (v.length < 4 || isProse(v)) return false;
  if (!benignKey(key) && (digitRunIdentifier(v) || monthNameDate(v))) return true;
  if (pathSegment && PATH_CHARS.test(v)) return false;
  return v.split(/\s+/).some(passwordShaped);
}

/**
 * More than five words or 64 characters, or three words or more ending like a sentence: a sentence, which
 * the detectors read with its context ("Order #4456425 was shipped yesterday.").
 */
export function isProse(value: string): boolean {
  const v = value.trim();
  const words = v.split(/\s+/).length;
  return v.length > MAX_BARE_LENGTH || words > MAX_BARE_WORDS || (words >= 3 && /\p{L}[.!?]$/u.test(v));
}

/** One part of a URL that is read as a bare value: `text.slice(start, end)` is the raw (encoded) part. */
export interface UrlPart extends BareSpan {
  /** The part decoded (`%20` and `+` as spaces); the raw text where it does not decode. */
  value: string;
  /** The query parameter's name, for a query value. */
  key?: string;
  /** A path segment (not a query value or the fragment). */
  path?: boolean;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * The path segments (file extension and all), query values and fragment of an http(s) URL, with their
 * offsets in it. The URL is read as written (a value with a raw space or `#` in it is cut where a browser
 * would cut it; each piece is read on its own).
 */
export function urlParts(url: string): UrlPart[] {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!scheme) return [];
  const parts: UrlPart[] = [];
  const push = (start: number, end: number, key?: string, path = false): void => {
    if (end <= start) return;
    const part: UrlPart = { start, end, value: decode(url.slice(start, end)) };
    if (key !== undefined) part.key = key;
    if (path) part.path = true;
    parts.push(part);
  };
  const pushJoined = (part: UrlPart, end: number): void => {
    const joined: UrlPart = { start: part.start, end, value: decode(url.slice(part.start, end)) };
    if (part.key !== undefined) joined.key = part.key;
    parts.push(joined);
  };
  let at = scheme[0].length;
  const queryAt = url.indexOf('?', at);
  const hashAt = url.indexOf('#', at);
  const pathEnd = [queryAt, hashAt, url.length].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b));
  for (const segment of url.slice(at, pathEnd).split('/')) {
    push(at, at + segment.length, undefined, true);
    at += segment.length + 1;
  }
  if (queryAt >= 0 && (hashAt < 0 || queryAt < hashAt)) {
    let from = queryAt + 1;
    const queryEnd = hashAt >= 0 ? hashAt : url.length;
    let previous: UrlPart | undefined;
    for (const pair of url.slice(from, queryEnd).split('&')) {
      const eq = pair.indexOf('=');
      if (eq < 0) {
        push(from, from + pair.length);
        // A piece without `=` right after a value may be the rest of it, cut at an unescaped `&` (`?ref=HfjT[&tqzYGw`).
        if (previous && pair.length > 0) pushJoined(previous, from + pair.length);
      } else push(from + eq + 1, from + pair.length, decode(pair.slice(0, eq)));
      previous = eq < 0 ? undefined : parts[parts.length - 1];
      from += pair.length + 1;
    }
  }
  if (hashAt >= 0) {
    const last = parts[parts.length - 1];
    push(hashAt + 1, url.length);
    // An unescaped `#` inside the last query value (`?ref=Xyplvz11#`, `?ref=CcX0*#1Oda`) cuts it for a
    // browser, not for a reader: a value followed by a fragment too short and odd to be an anchor (`#top`,
    // `#page=2`, `#section-4`) is read with it.
    const fragment = url.slice(hashAt + 1);
    if (queryAt >= 0 && queryAt < hashAt && last && last.end === hashAt && fragment.length <= 8 && !/[/=]/.test(fragment) && !/^\p{L}+$/u.test(fragment)) {
      pushJoined(last, url.length);
    }
  }
  return parts;
}

// A path segment's file extension is not part of the value (`C48658753.png` reads as `C48658753`).
const FILE_EXTENSION = /\.[a-z0-9]{2,5}$/i;

/** Spans of identifier-shaped values in a field without prose (see the module comment). */
export function bareIdentifierSpans(text: string, shape: BareShape, key?: string): BareSpan[] {
  if (shape === 'value') {
    const start = text.length - text.trimStart().length;
    const end = text.trimEnd().length;
    return end > start && identifierShaped(text, key) ? [{ start, end }] : [];
  }
  const spans: BareSpan[] = [];
  for (const part of urlParts(text)) {
    const value = part.key === undefined ? part.value.replace(FILE_EXTENSION, '') : part.value;
    // Also with `+` as a plus: decoded as a space, it splits `ISMy.!+auaJe` into two harmless words.
    const raw = text.slice(part.start, part.end);
    const plus = raw.includes('+') ? decode(raw.replace(/\+/g, '%2B')) : undefined;
    if (identifierShaped(value, part.key, part.path === true) || (plus !== undefined && identifierShaped(plus, part.key, part.path === true))) {
      spans.push({ start: part.start, end: part.end });
    }
  }
  return spans;
}
