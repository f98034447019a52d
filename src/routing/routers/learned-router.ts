/**
 * The learned router: a scorer trained by `tandem train-router` (src/quality/) behind the scored router.
 * The artifact is loaded once at start-up; the threshold comes from `threshold`, else from `llm_share`
 * through the artifact's reference quantiles (`hold: calibrated`, the default) or through the route's own
 * recent scores (`hold: online`), else the artifact's calibrated default.
 */
import { resolve } from 'node:path';
import type { Router } from '../router.js';
import { OnlineShareThreshold } from '../online-share-threshold.js';
import { scoredRouter } from './scored-router.js';

export async function learnedRouter(options: {
  artifact: string;
  llm_share?: number | undefined;
  threshold?: number | undefined;
  hold?: 'calibrated' | 'online' | undefined;
  hold_window?: number | undefined;
  small: string;
  large: string;
  baseDir: string;
}): Promise<Router> {
  if (options.hold === 'online' && options.llm_share === undefined) {
    throw new Error('router learned: `hold: online` holds an `llm_share`; set `llm_share` too');
  }
  const { loadLearnedScorer } = await import('../../quality/learned-scorer.js');
  const scorer = await loadLearnedScorer(resolve(options.baseDir, options.artifact));
  const threshold = options.threshold ?? (options.llm_share !== undefined ? scorer.thresholdFor(options.llm_share) : scorer.defaultThreshold);
  const online = options.threshold === undefined && options.llm_share !== undefined && options.hold === 'online';
  const hold = online ? new OnlineShareThreshold({ llmShare: options.llm_share ?? 0.5, window: options.hold_window }) : undefined;
  return scoredRouter({ scorer, threshold, small: options.small, large: options.large, type: 'learned', hold });
}
