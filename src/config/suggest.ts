/**
 * "Did you mean" for config typos: the closest candidate by edit distance, offered only when it is
 * plausibly a typo (a wild guess is worse than none). Truncations and extensions ("openai" for
 * "openai-compatible") count as close even when many characters differ.
 */
import { distance } from 'fastest-levenshtein';

export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: { candidate: string; distance: number; prefix: boolean } | undefined;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const lower = candidate.toLowerCase();
    const d = distance(needle, lower);
    const prefix = Math.min(needle.length, lower.length) >= 3 && (lower.startsWith(needle) || needle.startsWith(lower));
    const allowed = Math.max(2, Math.floor(Math.max(needle.length, lower.length) / 3));
    if (!prefix && d > allowed) continue;
    // A prefix match beats an edit-distance match; among equals, the smaller distance wins.
    if (best === undefined || (prefix && !best.prefix) || (prefix === best.prefix && d < best.distance)) {
      best = { candidate, distance: d, prefix };
    }
  }
  return best?.candidate;
}
