/** Cost of a call from its usage and a model's prices (per 1M tokens). */
import type { ModelInfo } from '../spec/model-info.js';
import type { Usage } from '../spec/usage.js';

export function costOf(usage: Pick<Usage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'>, pricing: ModelInfo['pricing']): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  return (uncached * pricing.inputPer1M + cached * pricing.cachedInputPer1M + usage.outputTokens * pricing.outputPer1M) / 1e6;
}

/**
 * The most a request can cost on a model before it runs: its estimated prompt plus the whole output allowance.
 * Used by the budget policy.
 */
export function worstCaseCost(options: { promptTokens: number; maxOutputTokens: number; model: ModelInfo }): number {
  return costOf({ inputTokens: options.promptTokens, outputTokens: options.maxOutputTokens }, options.model.pricing);
}
