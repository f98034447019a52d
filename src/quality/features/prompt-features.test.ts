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

  test('flag percent, money, LaTeX and "how many" whether spelled or symbolic, and count cue words', () => {
    const flags = (text: string): number[] =>
      (['percent', 'money', 'latex', 'how_many', 'multi_step_words'] as const).map((name) => features(text).get(stat(name)) ?? 0);
    assert.deepEqual(flags('Nothing to see here.'), [0, 0, 0, 0, 0]);
    const [percent, money, latex, howMany, multiStep] = flags('How many apples are left if 20% cost $3 each and x^2 \\frac{1}{2} remain after each day?');
    assert.deepEqual([percent, money, latex, howMany], [1, 1, 1, 1]);
    assert.ok((multiStep as number) > 0, 'each / left / after are multi-step words');
    assert.deepEqual(flags('Fifty percent of the total, then \\sqrt 2: how much?').slice(0, 4), [1, 0, 1, 1]);
    assert.deepEqual(flags('A backslash \\ alone is not LaTeX'), [0, 0, 0, 0, 0]);
  });
});
