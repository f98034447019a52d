/** A scorer's number in [0,1] against a threshold: at or above goes to the large model. */
import type { Scorer } from '../scorer.js';
import type { Router } from '../router.js';

export function scoredRouter(options: { scorer: Scorer; threshold: number; small: string; large: string; type?: string }): Router {
  return {
    type: options.type ?? 'scored',
    async decide(request) {
      const raw = await options.scorer.score(request);
      const score = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 1;
      const large = score >= options.threshold;
      const model = large ? options.large : options.small;
      const reason = `${options.scorer.name} score ${score.toFixed(3)} ${large ? '>=' : '<'} ${options.threshold.toFixed(3)} -> ${model}`;
      return { model, reason, score, threshold: options.threshold };
    },
  };
}
