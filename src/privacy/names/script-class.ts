/**
 * The writing system of a UTF-16 code unit, by block. The name tagger needs it twice: to cut text into
 * tokens (scripts written without spaces are tagged one character at a time) and as a feature (a word in
 * Cyrillic or Arabic has no capital letter to tell a name from a word, so the model leans on other cues).
 */

export const Script = {
  Other: 0,
  Latin: 1,
  Cyrillic: 2,
  Greek: 3,
  Armenian: 4,
  Hebrew: 5,
  Arabic: 6,
  Thaana: 7,
  Indic: 8,
  Thai: 9,
  Georgian: 10,
  Hangul: 11,
  Kana: 12,
  Han: 13,
  /** Combining marks and joiners: part of the word around them, never a word on their own. */
  Mark: 14,
} as const;
export type Script = (typeof Script)[keyof typeof Script];

/** Scripts written without spaces between words: each character is its own token. */
export function isCharTokenScript(s: Script): boolean {
  return s === Script.Han || s === Script.Kana || s === Script.Hangul;
}

export function scriptOf(c: number): Script {
  if (c < 0x80) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? Script.Latin : Script.Other;
  if (c < 0x250) return c === 0xd7 || c === 0xf7 || c < 0xc0 ? (c === 0xaa || c === 0xba ? Script.Latin : Script.Other) : Script.Latin;
  if (c < 0x2b0) return Script.Latin;
  if (c < 0x300) return Script.Other;
  if (c < 0x370) return Script.Mark;
  if (c < 0x400) return Script.Greek;
  if (c < 0x530) return c >= 0x483 && c <= 0x489 ? Script.Mark : Script.Cyrillic;
  if (c < 0x590) return Script.Armenian;
  if (c < 0x600) return c >= 0x5d0 ? Script.Hebrew : c >= 0x591 && c <= 0x5c7 ? Script.Mark : Script.Other;
  if (c < 0x780) {
    if ((c >= 0x610 && c <= 0x61a) || (c >= 0x64b && c <= 0x65f) || c === 0x670 || (c >= 0x6d6 && c <= 0x6ed)) return Script.Mark;
    if (c === 0x60c || c === 0x61b || c === 0x61f || c === 0x6d4 || (c >= 0x660 && c <= 0x669) || (c >= 0x6f0 && c <= 0x6f9)) return Script.Other;
    return Script.Arabic;
  }
  if (c < 0x7c0) return Script.Thaana;
  if (c >= 0x900 && c < 0xe00) return c === 0x964 || c === 0x965 ? Script.Other : Script.Indic; // ।, ॥ end sentences
  if (c < 0xe80) return c >= 0xe00 && c < 0xe7f && !(c >= 0xe50 && c <= 0xe59) ? Script.Thai : Script.Other;
  if (c >= 0x10a0 && c < 0x1100) return Script.Georgian;
  if (c >= 0x1100 && c < 0x1200) return Script.Hangul;
  if (c >= 0x1e00 && c < 0x1f00) return Script.Latin;
  if (c >= 0x1f00 && c < 0x2000) return Script.Greek;
  if (c === 0x200c || c === 0x200d) return Script.Mark;
  if (c >= 0x3040 && c < 0x3100) return c === 0x30fb ? Script.Other : Script.Kana;
  if (c >= 0x3130 && c < 0x3190) return Script.Hangul;
  if ((c >= 0x3400 && c < 0x4dc0) || (c >= 0x4e00 && c < 0xa000) || (c >= 0xf900 && c < 0xfb00)) return Script.Han;
  if (c >= 0xac00 && c < 0xd7b0) return Script.Hangul;
  if (c >= 0xfb1d && c < 0xfb50) return Script.Hebrew;
  if ((c >= 0xfb50 && c < 0xfe00) || (c >= 0xfe70 && c < 0xff00)) return Script.Arabic;
  if (c === 0x3005) return Script.Han; // 々, the kanji repetition mark (佐々木)
  return Script.Other;
}
