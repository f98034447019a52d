import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/seeded-random.js';
import { combinedConfidence, fitCombiner, MIN_CLASS_SAMPLES, type CombinerSample } from './confidence-combiner.js';

/** Answers are right more often with a high top probability and a near example of their label, less with a near one of another. */
function samples(n: number, seed = 3): CombinerSample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const probability = 0.2 + 0.79 * random();
    const same = random();
    const other = random();
    const z = -1 + 2 * Math.log(probability / (1 - probability)) + 4 * same - 4 * other;
    return { probability, trust: { same, other }, correct: random() < 1 / (1 + Math.exp(-z)), weight: 1 };
  });
}

test('the combiner learns how the top probability and the trust score predict agreement', () => {
  const w = fitCombiner(samples(4000));
  assert.ok(w !== null);
  const [, p1, same, other] = w as number[];
  assert.ok(Math.abs((p1 as number) - 2) < 0.5 && Math.abs((same as number) - 4) < 1 && Math.abs((other as number) + 4) < 1, JSON.stringify(w));
  const c = (p: number, s: number, o: number) => combinedConfidence(w as number[], p, { same: s, other: o });
  assert.ok(c(0.9, 0.5, 0.5) > c(0.6, 0.5, 0.5));
  assert.ok(c(0.9, 0.9, 0.2) > c(0.9, 0.2, 0.9));
  assert.ok(c(0.999999, 1, 0) < 1 && c(0.01, 0, 1) > 0);
});

test('too few wrong (or right) answers to fit: no combiner, the top probability decides', () => {
  const allRight = samples(500).map((s) => ({ ...s, correct: true }));
  assert.equal(fitCombiner(allRight), null);
  const fewWrong = allRight.map((s, i) => ({ ...s, correct: i >= MIN_CLASS_SAMPLES - 1 }));
  assert.equal(fitCombiner(fewWrong), null);
  assert.equal(fitCombiner([]), null);
});
