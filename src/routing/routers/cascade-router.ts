/**
 * Cascade: the small model answers first; the executor has a verifier score that answer and escalates to
 * the large model below the threshold. The router only states the plan; execute-plan.ts carries it out.
 * A route's `verifier_artifact` is loaded once at start-up and travels with the decision, so two cascade
 * routes can judge answers differently; without one the gateway's default (built-in) verifier is used.
 */
import { resolve } from 'node:path';
import type { AnswerVerifier } from '../answer-verifier.js';
import type { Router } from '../router.js';

export async function cascadeRouter(options: {
  small: string;
  large: string;
  threshold: number;
  verifier_artifact?: string | undefined;
  baseDir: string;
}): Promise<Router> {
  let verifier: AnswerVerifier | undefined;
  if (options.verifier_artifact) {
    // Loaded lazily so gateways without a cascade never load the quality code.
    const { createCascadeVerifier } = await import('../../quality/cascade-verifier.js');
    verifier = await createCascadeVerifier(resolve(options.baseDir, options.verifier_artifact));
  }
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
          cascade: { escalateTo: options.large, threshold: options.threshold, ...(verifier ? { verifier } : {}) },
        };
      }
      const only = smallAllowed ? options.small : options.large;
      return { model: only, reason: `cascade without ${smallAllowed ? options.large : options.small} (policy) -> ${only}`, score: null, threshold: null };
    },
  };
}
