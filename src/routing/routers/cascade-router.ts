/**
 * Cascade: the small model answers first; the executor has a verifier score that answer and escalates to
 * the large model below the threshold. The router only states the plan; execute-plan.ts carries it out.
 */
import type { Router } from '../router.js';

export function cascadeRouter(options: { small: string; large: string; threshold: number }): Router {
  return {
    type: 'cascade',
    decide(_request, allowed) {
      const smallAllowed = allowed.some((m) => m.name === options.small);
      const largeAllowed = allowed.some((m) => m.name === options.large);
      if (smallAllowed && largeAllowed) {
        return {
          model: options.small,
          reason: `cascade ${options.small} -> verify >= ${options.threshold.toFixed(2)} else ${options.large}`,
          score: null,
          threshold: options.threshold,
          cascade: { escalateTo: options.large, threshold: options.threshold },
        };
      }
      const only = smallAllowed ? options.small : options.large;
      return { model: only, reason: `cascade without ${smallAllowed ? options.large : options.small} (policy) -> ${only}`, score: null, threshold: null };
    },
  };
}
