/** Resolves `--dataset`: a RouteLLM benchmark name or a file in the generic format. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetFormatError, loadGenericDataset, type GenericLoadOptions } from './generic-dataset.js';
import type { LabelledDataset } from './labelled-dataset.js';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu } from './routellm-dataset.js';

export const BENCHMARK_NAMES = ['routellm-mmlu', 'routellm-gsm8k'] as const;

export interface LoadEvalDatasetOptions extends GenericLoadOptions {
  /** Where RouteLLM's data lives (default ../shared/data/routellm). */
  dataDir?: string;
}

export const DEFAULT_ROUTELLM_DIR = join('..', 'shared', 'data', 'routellm');

export async function loadEvalDataset(spec: string, options: LoadEvalDatasetOptions = {}): Promise<LabelledDataset> {
  const dataDir = options.dataDir ?? DEFAULT_ROUTELLM_DIR;
  if (spec === 'routellm-mmlu') return loadRouteLlmMmlu(dataDir);
  if (spec === 'routellm-gsm8k') return loadRouteLlmGsm8k(dataDir);
  if (!existsSync(spec)) {
    throw new DatasetFormatError(`dataset "${spec}" is neither ${BENCHMARK_NAMES.join(' nor ')} nor an existing .jsonl/.csv file`);
  }
  return loadGenericDataset(spec, options);
}
