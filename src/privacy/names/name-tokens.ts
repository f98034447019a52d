/**
 * Cuts a text into the tokens the name tagger labels, into reusable typed arrays (no object per token:
 * detection runs on every request). Words of spaced scripts are one token each; Han, kana and Hangul,
 * written without spaces, are one token per character, so a name inside "我叫王小明" is a run of tagged
 * characters. A Thai run loses a leading title or cue ("คุณ", "นาย", "ชื่อ") that Thai writes joined to the name.
 * Each token carries the FNV-1a hash of its lowercased text, which is all the features and lexicons need.
 */
import { Script, isCharTokenScript, scriptOf } from './script-class.js';

export const TokenFlag = {
  /** First letter is a capital (a cased script only). */
  Capital: 1,
  /** Every letter is a capital and there are two or more. */
  AllCaps: 2,
  /** A run of digits rather than letters. */
  Number: 4,
  /** First token of the text or after . ! ? or a line break. */
  SentenceStart: 8,
  /** A line break lies between this token and the previous one. */
  NewlineBefore: 16,
  /** Touches the previous token with no space or punctuation between (CJK characters, a Thai cue split off). */
  Joined: 32,
} as const;

export interface TokenBuffer {
  count: number;
  start: Int32Array;
  end: Int32Array;
  script: Uint8Array;
  flags: Uint8Array;
  /** FNV-1a of the lowercased token. */
  hash: Int32Array;
  /** The last non-space character before the token (0 when only spaces or nothing). */
  punctBefore: Uint16Array;
  /** Whether the text has any capital letter; without one, capitals say nothing. */
  cased: boolean;
  /** Letters of a cased script but not one capital: typed all in lowercase, like most chat requests. */
  lowercase: boolean;
  /** `text.toLowerCase()` when it keeps every offset, else a per-code-unit lowercase copy. */
  lower: string;
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export function fnvStep(h: number, c: number): number {
  return Math.imul(h ^ c, 16777619);
}
export function hashRange(s: string, start: number, end: number, seed = FNV_OFFSET): number {
  let h = seed;
  for (let i = start; i < end; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}
export function hashString(s: string): number {
  return hashRange(s, 0, s.length);
}

// Thai writes titles and "name" cues joined to the name: "คุณสมชาย", "ชื่อสมศรี". Longest first.
const THAI_PREFIXES = ['นางสาว', 'ดิฉัน', 'คุณ', 'นาย', 'นาง', 'ชื่อ', 'ผม', 'ฉัน', 'ด.ช.', 'ด.ญ.'];
const THAI_SUFFIXES = ['ครับ', 'ค่ะ', 'คะ', 'นะ'];

function grow(buffer: TokenBuffer, size: number): void {
  if (buffer.start.length >= size) return;
  const n = Math.max(size, buffer.start.length * 2);
  const copy = <T extends Int32Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
    const b = make(n);
    b.set(a);
    return b;
  };
  buffer.start = copy(buffer.start, (k) => new Int32Array(k));
  buffer.end = copy(buffer.end, (k) => new Int32Array(k));
  buffer.script = copy(buffer.script, (k) => new Uint8Array(k));
  buffer.flags = copy(buffer.flags, (k) => new Uint8Array(k));
  buffer.hash = copy(buffer.hash, (k) => new Int32Array(k));
  buffer.punctBefore = copy(buffer.punctBefore, (k) => new Uint16Array(k));
}

export function createTokenBuffer(capacity = 512): TokenBuffer {
  return {
    count: 0,
    start: new Int32Array(capacity),
    end: new Int32Array(capacity),
    script: new Uint8Array(capacity),
    flags: new Uint8Array(capacity),
    hash: new Int32Array(capacity),
    punctBefore: new Uint16Array(capacity),
    cased: false,
    lowercase: false,
    lower: '',
  };
}

function lowerKeepingOffsets(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  // "İ" lowercases to two code units; map one unit at a time so offsets stay put.
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const l = text[i]!.toLowerCase();
    out += l.length === 1 ? l : text[i]!;
  }
  return out;
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'jr',
  'sr',
  'sra',
  'srta',
  'mme',
  'mlle',
  'hr',
  'fr',
  'sig',
  'dott',
  'gen',
  'col',
  'capt',
  'rev',
  'hon',
  'mx',
]);

/** A single letter (an initial) or a title usually written with a dot. */
function isAbbreviation(lower: string, start: number, end: number): boolean {
  if (end - start === 1) return true;
  return end - start <= 4 && ABBREVIATIONS.has(lower.slice(start, end));
}

function startsWithAt(text: string, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (text.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** Tokenises `text` into `buffer` (reused across calls) and returns it. */
export function tokenize(text: string, buffer: TokenBuffer = createTokenBuffer()): TokenBuffer {
  const lower = lowerKeepingOffsets(text);
  buffer.lower = lower;
  buffer.count = 0;
  let cased = false;
  let casedScript = false;
  const n = text.length;
  let i = 0;
  let punct = 0;
  let newline = false;
  let sentenceStart = true;
  let joined = false;
  const push = (start: number, end: number, script: Script, flags: number): void => {
    grow(buffer, buffer.count + 1);
    const k = buffer.count++;
    buffer.start[k] = start;
    buffer.end[k] = end;
    buffer.script[k] = script;
    let f = flags;
    if (sentenceStart) f |= TokenFlag.SentenceStart;
    if (newline) f |= TokenFlag.NewlineBefore;
    if (joined) f |= TokenFlag.Joined;
    buffer.flags[k] = f;
    buffer.hash[k] = hashRange(lower, start, end);
    buffer.punctBefore[k] = punct;
    punct = 0;
    newline = false;
    sentenceStart = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    const s = scriptOf(c);
    if (s === Script.Other || s === Script.Mark) {
      if (c >= 48 && c <= 57) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
        push(i, j, Script.Other, TokenFlag.Number);
        joined = false;
        i = j;
        continue;
      }
      if (c === 10 || c === 13) {
        newline = true;
        sentenceStart = true;
      } else if (c === 46) {
        // "J. Smith", "Dr. Watson": the dot after an initial or a title does not end a sentence.
        const k = buffer.count - 1;
        const afterWord = k >= 0 && buffer.end[k] === i && (buffer.flags[k]! & TokenFlag.Number) === 0;
        if (!afterWord || !isAbbreviation(lower, buffer.start[k]!, buffer.end[k]!)) sentenceStart = true;
      } else if (c === 33 || c === 63 || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x61f || c === 0x964) {
        sentenceStart = true;
      }
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xa0 && c !== 0x3000) punct = c;
      joined = false;
      i++;
      continue;
    }
    if (isCharTokenScript(s)) {
      push(i, i + 1, s, 0);
      joined = true;
      i++;
      continue;
    }
    // A word of one spaced script, with combining marks, joiners and inner apostrophes or hyphens.
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (s === Script.Latin && (d | 32) >= 97 && (d | 32) <= 122) {
        j++; // ASCII letters, the common case, without the block lookup
        continue;
      }
      const t = scriptOf(d);
      if (t === s || t === Script.Mark) j++;
      else if ((d === 39 || d === 0x2019 || d === 45) && j + 1 < n && scriptOf(text.charCodeAt(j + 1)) === s) j++;
      else break;
    }
    let start = i;
    let end = j;
    if (s === Script.Thai) {
      // Peel joined cues off the front and polite particles off the back, so the name stands alone.
      let peeled = true;
      while (peeled) {
        peeled = false;
        for (const p of THAI_PREFIXES) {
          if (end - start > p.length + 1 && startsWithAt(text, start, end, p)) {
            push(start, start + p.length, s, 0);
            joined = true;
            start += p.length;
            peeled = true;
            break;
          }
        }
      }
      for (const p of THAI_SUFFIXES) {
        if (end - start > p.length + 1 && startsWithAt(text, end - p.length, end, p)) {
          end -= p.length;
          break;
        }
      }
    }
    let flags = 0;
    if (s === Script.Latin || s === Script.Cyrillic || s === Script.Greek || s === Script.Armenian) {
      let caps = 0;
      let letters = 0;
      for (let k = start; k < end; k++) {
        const d = text.charCodeAt(k);
        if (d >= 0x80 && scriptOf(d) === Script.Mark) continue;
        letters++;
        if (lower.charCodeAt(k) !== d) caps++;
      }
      if (caps > 0) cased = true;
      casedScript = true;
      if (lower.charCodeAt(start) !== text.charCodeAt(start)) flags |= TokenFlag.Capital;
      if (caps === letters && letters >= 2) flags |= TokenFlag.AllCaps;
    }
    push(start, end, s, flags);
    joined = false;
    if (end < j) {
      joined = true;
      push(end, j, s, 0);
      joined = false;
    }
    i = j;
  }
  buffer.cased = cased;
  buffer.lowercase = casedScript && !cased;
  return buffer;
}
