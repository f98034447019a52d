/**
 * The text the structured detectors read: what a model reads the same way, in the characters the detectors
 * know. Full-width forms (`４１１１`, `＠`), Arabic-Indic and Devanagari digits become ASCII, every kind of
 * space becomes a space and every dash a `-` (one UTF-16 unit for one, offsets unchanged); invisible format
 * characters inside a value (zero-width space and joiners, soft hyphen, word joiner, BOM) are dropped, and
 * `toOriginal` maps each offset back, so a finding covers them too. A text with none of these is returned as
 * it came (`null`), the common case, which costs one scan.
 */

const SPECIAL = /[\u00a0\u00ad\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u180e\u2000-\u200d\u2010-\u2015\u202f\u205f\u2060\u2212\u3000\ufe63\ufeff\uff01-\uff5e]/;
const DROPPED = /[\u00ad\u180e\u200b-\u200d\u2060\ufeff]/;

const SPECIAL_GLOBAL = new RegExp(SPECIAL.source, 'g');
const DROPPED_GLOBAL = new RegExp(DROPPED.source, 'g');

export interface DetectionText {
  text: string;
  /** Original offset of the character at `i` of `text` (`i === text.length`: the original length); null when every offset is its own. */
  toOriginal: Int32Array | null;
}

function mapped(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (code >= 0x0660 && code <= 0x0669) return String.fromCharCode(code - 0x0660 + 48);
  if (code >= 0x06f0 && code <= 0x06f9) return String.fromCharCode(code - 0x06f0 + 48);
  if (code >= 0x0966 && code <= 0x096f) return String.fromCharCode(code - 0x0966 + 48);
  if ((code >= 0x2010 && code <= 0x2015) || code === 0x2212 || code === 0xfe63) return '-';
  return DROPPED.test(ch) ? ch : ' ';
}

/** The detectors' reading of `text`, or null when it is already one. */
export function detectionText(text: string): DetectionText | null {
  if (!SPECIAL.test(text)) return null;
  const same = text.replace(SPECIAL_GLOBAL, mapped);
  if (!DROPPED.test(same)) return { text: same, toOriginal: null };
  const map = new Int32Array(text.length + 1);
  let n = 0;
  let last = 0;
  const parts: string[] = [];
  for (const m of same.matchAll(DROPPED_GLOBAL)) {
    parts.push(same.slice(last, m.index));
    for (let i = last; i < m.index; i++) map[n++] = i;
    last = m.index + 1;
  }
  parts.push(same.slice(last));
  for (let i = last; i < same.length; i++) map[n++] = i;
  map[n] = text.length;
  return { text: parts.join(''), toOriginal: map.subarray(0, n + 1) };
}

/** A span of the detection text as a span of the original: its first and last characters' offsets. */
export function originalSpan(d: DetectionText, start: number, end: number): { start: number; end: number } {
  const map = d.toOriginal;
  if (!map) return { start, end };
  return { start: map[start] as number, end: end > start ? (map[end - 1] as number) + 1 : (map[start] as number) };
}
