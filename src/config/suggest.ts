/**
 * "Did you mean" for config typos: the closest candidate by edit distance, offered only when it is
 * plausibly a typo (a wild guess is worse than none).
 */
import { distance } from 'fastest-levenshtein';

export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const lower = best.toLowerCase();
  // Typos change a few characters; truncations ("openai-compat") and extensions keep a prefix.
  const allowed = Math.max(2, Math.floor(Math.max(needle.length, best.length) / 3));
  const prefix = needle.length >= 3 && (lower.startsWith(needle) || needle.startsWith(lower));
  return bestDistance <= allowed || prefix ? best : undefined;
}
