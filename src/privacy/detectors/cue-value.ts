/**
 * Values announced by a cue ("passport number: X1234567", "Steuer-ID 12 345 678 901"): finds each cue, then
 * the first value right after it, skipping only what sits between a label and its value in practice —
 * punctuation, quotes, brackets and a few filler words ("number", "no.", "is", "mein", "n°").
 */
import { matchesOf } from './context-words.js';

// Filler between a cue and its value, in the languages the cues cover.
const FILLER =
  /^(?:[\s:#=.,°º()[\]{}"'«»“”‘’`*|/\\-]+|(?:nº|n°|n\.º|number|numbers|num|no|nr|nro|n|nummer|numéro|numero|número|is|ist|est|es|è|é|é o|was|my|mein|meine|ma|mon|mi|il|la|le|el|o|do|da|de|del|di|van|mijn|of|the|de la|card|karte|carte|tarjeta|id)(?![\p{L}\p{N}]))/iu;

/** Where the value after a cue starts: after skipping at most `maxGap` characters of filler, or -1. */
export function valueStartAfter(text: string, from: number, maxGap = 30): number {
  let i = from;
  while (i < text.length && i - from <= maxGap) {
    const m = FILLER.exec(text.slice(i, i + 24));
    if (!m || m[0].length === 0) return i;
    i += m[0].length;
  }
  return i - from <= maxGap && i < text.length ? i : -1;
}

export interface CueValue {
  start: number;
  end: number;
  /** The value's characters with spaces, dots and dashes removed. */
  compact: string;
}

/**
 * For every match of `cue` (global), the value right after it matched by `value` (sticky, `y` flag): the
 * whole match is the value. `maxGap` bounds the filler between them.
 */
export function* valuesAfterCues(text: string, cue: RegExp, value: RegExp, maxGap = 30): Generator<CueValue> {
  for (const m of matchesOf(cue, text)) {
    const start = valueStartAfter(text, m.index + m[0].length, maxGap);
    if (start < 0) continue;
    value.lastIndex = start;
    const v = value.exec(text);
    if (!v || v.index !== start) continue;
    yield { start, end: start + v[0].length, compact: v[0].replace(/[\s.\-/]/g, '') };
  }
}
