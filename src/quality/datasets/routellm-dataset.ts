/**
 * Loaders for RouteLLM's published benchmark data (lm-sys/RouteLLM, Apache-2.0): MMLU as 57 subject CSVs
 * and GSM8K with both models' full responses. Prompts in `contaminated_prompts.jsonl` are dropped, as the
 * paper does, so that n and accuracies match its tables.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCsvRecords } from './parse-csv.js';
import type { LabelledDataset, LabelledExample } from './labelled-dataset.js';

export const ROUTELLM_WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
export const ROUTELLM_STRONG = 'gpt-4-1106-preview';

/** Published sizes and accuracies after decontamination (README of ../shared and the paper). */
export const ROUTELLM_EXPECTED = {
  'routellm-mmlu': { n: 14_037, weak: 68.09, strong: 80.59 },
  'routellm-gsm8k': { n: 1_307, weak: 63.73, strong: 85.77 },
} as const;

async function readContaminated(path: string): Promise<Set<string>> {
  const text = await readFile(path, 'utf8');
  const prompts = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && 'eval_prompt' in parsed) {
      const p = (parsed as { eval_prompt: unknown }).eval_prompt;
      if (typeof p === 'string') prompts.add(p);
    }
  }
  return prompts;
}

function truth(value: string | undefined, where: string): number {
  if (value === 'True' || value === 'true' || value === '1') return 1;
  if (value === 'False' || value === 'false' || value === '0') return 0;
  throw new Error(`${where}: expected True/False, got ${JSON.stringify(value)}`);
}

/** MMLU: `<dataDir>/mmlu/mmlu_<subject>.csv`, columns prompt, <weak>, <strong>. */
export async function loadRouteLlmMmlu(dataDir: string): Promise<LabelledDataset> {
  const dir = join(dataDir, 'mmlu');
  const contaminated = await readContaminated(join(dir, 'contaminated_prompts.jsonl'));
  const files = (await readdir(dir)).filter((f) => /^mmlu_.+\.csv$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no mmlu_*.csv files in ${dir}`);
  const examples: LabelledExample[] = [];
  for (const file of files) {
    const subject = file.slice('mmlu_'.length, -'.csv'.length);
    const records = parseCsvRecords(await readFile(join(dir, file), 'utf8'));
    records.forEach((r, i) => {
      const prompt = r.prompt ?? '';
      if (contaminated.has(prompt)) return;
      examples.push({
        id: `${subject}/${i}`,
        prompt,
        weak: truth(r[ROUTELLM_WEAK], `${file} row ${i + 2}`),
        strong: truth(r[ROUTELLM_STRONG], `${file} row ${i + 2}`),
        group: subject,
      });
    });
  }
  return { name: 'routellm-mmlu', weakModel: ROUTELLM_WEAK, strongModel: ROUTELLM_STRONG, examples };
}

/** GSM8K: `<dataDir>/gsm8k/gsm8k_responses.csv` with both models' correctness and responses. */
export async function loadRouteLlmGsm8k(dataDir: string): Promise<LabelledDataset> {
  const dir = join(dataDir, 'gsm8k');
  const contaminated = await readContaminated(join(dir, 'contaminated_prompts.jsonl'));
  const records = parseCsvRecords(await readFile(join(dir, 'gsm8k_responses.csv'), 'utf8'));
  const examples: LabelledExample[] = [];
  records.forEach((r, i) => {
    const prompt = r.prompt ?? '';
    if (contaminated.has(prompt)) return;
    examples.push({
      id: `gsm8k/${i}`,
      prompt,
      weak: truth(r[ROUTELLM_WEAK], `gsm8k row ${i + 2}`),
      strong: truth(r[ROUTELLM_STRONG], `gsm8k row ${i + 2}`),
      weakResponse: r[`${ROUTELLM_WEAK}_response`] ?? '',
      strongResponse: r[`${ROUTELLM_STRONG}_response`] ?? '',
    });
  });
  return { name: 'routellm-gsm8k', weakModel: ROUTELLM_WEAK, strongModel: ROUTELLM_STRONG, examples };
}
