/**
 * The learned router: a scorer trained by `tandem train-router` (src/quality/) behind the scored router.
 * The artifact is loaded once at start-up; the threshold comes from `threshold`, else from `llm_share`
 * through the artifact's reference quantiles, else the artifact's calibrated default.
 */
import { resolve } from 'node:path';
import type { Router } from '../router.js';
import { scoredRouter } from './scored-router.js';

export async function learnedRouter(options: {
  artifact: string;
  llm_share?: number | undefined;
  threshold?: number | undefined;
  small: string;
  large: string;
  baseDir: string;
}): Promise<Router> {
  const { loadLearnedScorer } = await import('../../quality/learned-scorer.js');
  const scorer = await loadLearnedScorer(resolve(options.baseDir, options.artifact));
  const threshold =
    options.threshold ?? (options.llm_share !== undefined ? scorer.thresholdFor(options.llm_share) : scorer.defaultThreshold);
  return scoredRouter({ scorer, threshold, small: options.small, large: options.large, type: 'learned' });
}
