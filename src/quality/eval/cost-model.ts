/**
 * Cost per prompt for each model: the dataset's own per-model cost when it has one, else an estimate from
 * prices per 1M tokens (tokens ~ characters / 4 of prompt + response). The defaults are the prices the
 * RouteLLM paper assumes for its pair (GPT-4: $24.7 / 1M tokens, Mixtral-8x7B: $0.24 / 1M, blended).
 */
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import type { CostModel } from './routing-metrics.js';

export interface PriceOptions {
  weakPerMillion?: number;
  strongPerMillion?: number;
}

export const DEFAULT_PRICES = { weakPerMillion: 0.24, strongPerMillion: 24.7 } as const;

function estimatedTokens(prompt: string, response: string | undefined): number {
  return Math.ceil((prompt.length + (response?.length ?? 0)) / 4);
}

export function priceCostModel(options: PriceOptions = {}): CostModel {
  const weak = options.weakPerMillion ?? DEFAULT_PRICES.weakPerMillion;
  const strong = options.strongPerMillion ?? DEFAULT_PRICES.strongPerMillion;
  return {
    weak: (e: LabelledExample) => e.weakCost ?? (estimatedTokens(e.prompt, e.weakResponse) * weak) / 1e6,
    strong: (e: LabelledExample) => e.strongCost ?? (estimatedTokens(e.prompt, e.strongResponse) * strong) / 1e6,
  };
}
