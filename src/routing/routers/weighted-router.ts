/**
 * A/B split by weight over the allowed models. With `sticky`, the request's `user` is hashed so one user
 * always lands on the same model while the set of allowed models is unchanged.
 */
import type { Router } from '../router.js';

export function weightedRouter(options: { weights: Record<string, number>; sticky: boolean; random?: () => number }): Router {
  const random = options.random ?? Math.random;
  return {
    type: 'weighted',
    decide(request, allowed) {
      const pool = allowed.filter((m) => (options.weights[m.name] ?? 0) > 0);
      const entries = pool.length > 0 ? pool.map((m) => [m.name, options.weights[m.name] ?? 0] as const) : Object.entries(options.weights);
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      const user = request.params.user;
      const sticky = options.sticky && user !== undefined && user !== '';
      const point = (sticky ? unitHash(user) : random()) * total;
      let acc = 0;
      for (const [name, weight] of entries) {
        acc += weight;
        if (point < acc) {
          return { model: name, reason: `weighted ${weight}/${total}${sticky ? ' (sticky user)' : ''} -> ${name}`, score: null, threshold: null };
        }
      }
      const last = entries[entries.length - 1]?.[0] ?? '';
      return { model: last, reason: `weighted -> ${last}`, score: null, threshold: null };
    },
  };
}

/** FNV-1a over UTF-16 code units, mapped to [0, 1). */
export function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x100000000;
}
