/**
 * Person names in any script, found by the name tagger (src/privacy/names/): an averaged perceptron over
 * character and word-shape features, neighbouring words, cue words ("Mr", "name:", "Herr", "г-н", "السيد",
 * "様") and multilingual given-name and surname lists, trained at build time and shipped as data. A name
 * found once is then found again wherever it recurs ("… directed by Bryan Maclean and starring Maclean").
 * How it was trained and how well it does: docs/decisions/name-model.md and docs/privacy.md.
 */
import type { PiiFinding } from '../pii-finding.js';
import { findNames } from '../names/find-names.js';
import { nameLexicon } from '../names/name-lexicon.js';
import { shippedNameModel } from '../names/name-model.js';
import { matchesOf } from './context-words.js';

const TOKEN = /(?<![\p{L}\p{M}\p{N}_@.'’-])\p{Lu}(?:[\p{L}\p{M}'’-]*[\p{L}\p{M}])?(?![\p{L}\p{M}\p{N}_@])/gu;
const LATER_MENTION_CONFIDENCE = 0.7;

/** Later mentions of a name already found, as capitalised words of three or more letters. */
function propagate(text: string, findings: PiiFinding[], minConfidence: number): PiiFinding[] {
  const parts = new Set<string>();
  for (const f of findings) {
    if (f.confidence < minConfidence) continue;
    for (const part of text.slice(f.start, f.end).split(/[ .]+/)) if (part.length >= 3 && /^\p{Lu}/u.test(part)) parts.add(part);
  }
  if (parts.size === 0) return findings;
  const extra: PiiFinding[] = [];
  const covered = new Uint8Array(text.length);
  for (const f of findings) covered.fill(1, f.start, f.end);
  for (const m of matchesOf(TOKEN, text)) {
    const word = m[0].replace(/['’]s$/, '');
    if (!parts.has(word) || covered[m.index] === 1) continue;
    extra.push({ type: 'PERSON', start: m.index, end: m.index + word.length, confidence: LATER_MENTION_CONFIDENCE });
  }
  return extra.length === 0 ? findings : [...findings, ...extra];
}

export function detectPersons(text: string): PiiFinding[] {
  return propagate(text, findNames(text, { model: shippedNameModel(), lexicon: nameLexicon() }), 0.5);
}
