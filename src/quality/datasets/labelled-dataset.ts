/**
 * The one shape every evaluation and training path reads: prompts with the quality each of two models
 * reached on them. Benchmarks (RouteLLM's MMLU and GSM8K) and a user's own traffic (the generic format)
 * are all loaded into it.
 */

export interface LabelledExample {
  /** Stable id within the dataset (used for splits and reports). */
  id: string;
  /** The user prompt the router sees. */
  prompt: string;
  /** Quality of the weak (small) model's answer in [0,1]; 1 = correct. */
  weak: number;
  /** Quality of the strong (large) model's answer in [0,1]. */
  strong: number;
  weakResponse?: string;
  strongResponse?: string;
  /** Cost of answering this prompt with each model, in the dataset's currency; estimated when absent. */
  weakCost?: number;
  strongCost?: number;
  /** An optional grouping (e.g. the MMLU subject), used only in reports. */
  group?: string;
}

export interface LabelledDataset {
  name: string;
  weakModel: string;
  strongModel: string;
  examples: LabelledExample[];
}

/** Mean quality of one side, in percent (RouteLLM reports accuracy x 100). */
export function modelAccuracy(examples: readonly LabelledExample[], side: 'weak' | 'strong'): number {
  if (examples.length === 0) return 0;
  let sum = 0;
  for (const e of examples) sum += e[side];
  return (100 * sum) / examples.length;
}
