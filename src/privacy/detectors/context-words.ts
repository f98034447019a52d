/** Looks for cue words just before a candidate, the cheap way to tell a phone number from any other number. */

/** True when `pattern` matches within `window` characters before `start` (the pattern should not be global). */
export function hasContextBefore(text: string, start: number, pattern: RegExp, window = 40): boolean {
  return pattern.test(text.slice(Math.max(0, start - window), start));
}

/** Iterates the matches of a global regular expression without allocating an array of them. */
export function* matchesOf(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match[0].length === 0) pattern.lastIndex++;
    yield match;
  }
}

/**
 * Title-cases a text that has no capitals at all, keeping every offset (a letter whose capital is longer,
 * like ß, stays as it is). Detectors that lean on capitals run on this copy, since in an all-lowercase
 * text capitals carry no signal.
 */
export function titleCaseIfUncased(text: string): string {
  if (/\p{Lu}/u.test(text)) return text;
  return text.replace(/(?<![\p{L}\p{M}'’])\p{Ll}/gu, (ch) => {
    const upper = ch.toUpperCase();
    return upper.length === ch.length ? upper : ch;
  });
}
