import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureBuffer } from './feature-hasher.js';
import { DEFAULT_PROMPT_FEATURES, extractPromptFeatures } from './prompt-features.js';
import { PROMPT_STAT_NAMES } from './prompt-statistics.js';

function features(text: string): Map<number, number> {
  const buffer = new FeatureBuffer();
  extractPromptFeatures(text, DEFAULT_PROMPT_FEATURES, buffer);
  const out = new Map<number, number>();
  const { indices, values, size } = buffer;
  for (let k = 0; k < size; k++) out.set(indices[k] as number, (out.get(indices[k] as number) ?? 0) + (values[k] as number));
  return out;
}

const stat = (name: (typeof PROMPT_STAT_NAMES)[number]): number => PROMPT_STAT_NAMES.indexOf(name);

describe('prompt features', () => {
  test('are deterministic, case-insensitive for words, and treat all numbers alike', () => {
    assert.deepEqual(features('Janet has 16 eggs.'), features('Janet has 16 eggs.'));
    assert.deepEqual(features('Janet has 16 eggs'), features('janet has 23 eggs'.replace('j', 'J')));
  });

  test('count multiple-choice options and flag negated questions', () => {
    const mc = features('Which of the following is NOT a prime?\nA. 2\nB. 3\nC. 4\nD. 5\nAnswer:');
    assert.equal(mc.get(stat('options')), 4 / 5);
    assert.equal(mc.get(stat('numeric_options')), 1);
    assert.equal(mc.get(stat('negation')), 1);
    assert.equal(mc.get(stat('which_of_following')), 1);
    const plain = features('Tell me a story about a cat.');
    assert.equal(plain.get(stat('options')), undefined);
  });
});
