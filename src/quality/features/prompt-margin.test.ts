import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu } from '../datasets/routellm-dataset.js';
import { seededRandom } from '../eval/routing-metrics.js';
import { FeatureBuffer } from './feature-hasher.js';
import { DEFAULT_PROMPT_FEATURES, extractPromptFeatures, promptFeatureDimension, type FeatureLayout, type PromptFeatureOptions } from './prompt-features.js';
import { promptMargin } from './prompt-margin.js';

const DATA = join('..', 'shared', 'data', 'routellm');

/** The training-time path: features into a buffer, then a dot product with the same table. */
function bufferDot(text: string, options: PromptFeatureOptions, table: Float64Array, layout?: FeatureLayout): number {
  const buffer = new FeatureBuffer();
  extractPromptFeatures(text, options, buffer, layout);
  let z = 0;
  for (let k = 0; k < buffer.size; k++) z += (table[buffer.indices[k] as number] as number) * (buffer.values[k] as number);
  return z;
}

function randomTable(options: PromptFeatureOptions, seed: number, extra = 0): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: promptFeatureDimension(options) + extra }, () => random() * 2 - 1);
}

const SETTINGS: Record<string, PromptFeatureOptions> = {
  router: { ...DEFAULT_PROMPT_FEATURES, charNgrams: [4, 4] },
  'chars 3-5': DEFAULT_PROMPT_FEATURES,
  'words only, unigrams': { ...DEFAULT_PROMPT_FEATURES, wordNgrams: 1, charNgrams: [0, 0], statsWeight: 0 },
  'statistics only (families at weight 0 are skipped)': { ...DEFAULT_PROMPT_FEATURES, wordWeight: 0, charWeight: 0 },
  'characters only': { ...DEFAULT_PROMPT_FEATURES, wordWeight: 0, statsWeight: 0 },
  'weighted families, 12 bits': { bits: 12, wordNgrams: 2, charNgrams: [2, 6], wordWeight: 0.5, charWeight: 2, statsWeight: 0.3 },
};

const SAMPLES = [
  '',
  'hi',
  'Janet has 16 eggs. She eats 3 for breakfast, bakes muffins with 4 and sells the rest at $2 each. How much does she make?',
  'Which of the following is NOT a prime?\nA. 2\nB. 3\nC. 4\nD. 5\nAnswer:',
  'Ünïcödé  text\twith\r\nodd   whitespace, π ≈ 3.14159 and √2 — 数学 问题 ^ \\frac{1}{2} 50% 1/2',
  `def f(x):\n    return x * 2  # ${'long '.repeat(400)}`,
];

describe('prompt margin: the serving path equals features + dot product', () => {
  for (const [name, options] of Object.entries(SETTINGS)) {
    test(`${name}, on hand-picked prompts and in the verifier's salted layout`, () => {
      const table = randomTable(options, 7, 200);
      const salted: FeatureLayout = { statsOffset: 30, hashOffset: 120, salt: 0x6a09e667 };
      for (const text of SAMPLES) {
        const expected = bufferDot(text, options, table);
        assert.ok(Math.abs(promptMargin(text, options, table) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${name}: ${text.slice(0, 30)}`);
        const expectedSalted = bufferDot(text, options, table, salted);
        assert.ok(Math.abs(promptMargin(text, options, table, salted) - expectedSalted) <= 1e-9 * Math.max(1, Math.abs(expectedSalted)));
      }
    });
  }

  test('on the RouteLLM prompts (every GSM8K prompt, 2,000 MMLU prompts)', { skip: !existsSync(DATA) && 'no ../shared/data/routellm' }, async () => {
    const prompts = [...(await loadRouteLlmGsm8k(DATA)).examples, ...(await loadRouteLlmMmlu(DATA)).examples.slice(0, 2000)].map((e) => e.prompt);
    const options = SETTINGS.router as PromptFeatureOptions;
    const table = randomTable(options, 11);
    let worst = 0;
    for (const p of prompts) worst = Math.max(worst, Math.abs(promptMargin(p, options, table) - bufferDot(p, options, table)));
    assert.ok(worst < 1e-9, `largest difference ${worst}`);
  });
});
