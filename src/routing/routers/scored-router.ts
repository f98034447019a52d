/**
 * A scorer's number in [0,1] against a threshold: at or above goes to the large model. With a `hold`
 * (an `llm_share` held online), the threshold is the hold's quantile of the route's recent scores instead.
 */
import type { ShareHold } from '../online-share-threshold.js';
import type { Scorer } from '../scorer.js';
import type { Router } from '../router.js';

export function scoredRouter(options: {
  scorer: Scorer;
  threshold: number;
  small: string;
  large: string;
  type?: string;
  hold?: ShareHold | undefined;
}): Router {
  const { hold } = options;
  return {
    type: options.type ?? 'scored',
    async decide(request) {
      const raw = await options.scorer.score(request);
      const score = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 1;
      const { large, threshold } = hold ? hold.decide(score) : { large: score >= options.threshold, threshold: options.threshold };
      const model = large ? options.large : options.small;
      const held = hold ? ' (held share)' : '';
      const reason = `${options.scorer.name} score ${score.toFixed(3)} ${large ? '>=' : '<'} ${threshold.toFixed(3)}${held} -> ${model}`;
      return { model, reason, score, threshold };
    },
  };
}
