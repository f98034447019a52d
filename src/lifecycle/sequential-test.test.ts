/**
 * The sequential test: its confidence sequence and decisions on hand-made arms, then the simulation that
 * proves the claims in docs/lifecycle.md#experiments: over 1,000 seeded experiments, at most alpha = 5% false
 * promotions under the null (superiority and non-inferiority), and at least 80% power for a true +5-point
 * improvement at the documented maximum of 2,500 observations per arm.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulate } from './experiment-simulation.js';
import { addObservation, emptyArm, evaluate, mixtureHalfWidth, type ArmStats, type SequentialTestOptions } from './sequential-test.js';

const OPTIONS: SequentialTestOptions = { alpha: 0.05, margin: 0, tau: 0.05, minSamples: 100, maxSamples: 2_500, higherIsBetter: true };

function arm(successes: number, n: number): ArmStats {
  const a = emptyArm();
  for (let i = 0; i < n; i++) addObservation(a, i < successes ? 1 : 0);
  return a;
}

describe('sequential test', () => {
  test('the confidence sequence is wider than a fixed-sample interval and shrinks with more data', () => {
    const s2 = 0.21 / 1000;
    const half = mixtureHalfWidth(s2, 0.05, 0.05);
    assert.ok(half > 1.96 * Math.sqrt(s2), `${half} should exceed the fixed-n half-width ${1.96 * Math.sqrt(s2)}`);
    assert.ok(mixtureHalfWidth(s2 / 10, 0.05, 0.05) < half);
    assert.ok(mixtureHalfWidth(s2, 0.05, 0.01) > half, 'a smaller alpha widens it');
  });

  test('no decision before both arms have the minimum, whatever the data', () => {
    const v = evaluate(arm(99, 99), arm(0, 99), OPTIONS);
    assert.equal(v.decision, 'continue');
    assert.ok(v.estimate !== null && v.estimate < -0.9);
  });

  test('promotes a clearly better candidate, rolls back a clearly worse one', () => {
    assert.equal(evaluate(arm(600, 1000), arm(800, 1000), OPTIONS).decision, 'promote');
    assert.equal(evaluate(arm(800, 1000), arm(600, 1000), OPTIONS).decision, 'rollback');
    assert.equal(evaluate(arm(700, 1000), arm(705, 1000), OPTIONS).decision, 'continue');
  });

  test('a lower-is-better metric (error rate) flips the orientation', () => {
    const lower = { ...OPTIONS, higherIsBetter: false };
    const v = evaluate(arm(200, 1000), arm(50, 1000), lower);
    assert.equal(v.decision, 'promote');
    assert.ok(v.estimate !== null && Math.abs(v.estimate - 0.15) < 1e-9);
  });

  test('non-inferiority promotes an equal candidate that superiority keeps testing', () => {
    const control = arm(7000, 10_000);
    const candidate = arm(7000, 10_000);
    assert.equal(evaluate(control, candidate, { ...OPTIONS, maxSamples: 100_000 }).decision, 'continue');
    assert.equal(evaluate(control, candidate, { ...OPTIONS, margin: 0.03, maxSamples: 100_000 }).decision, 'promote');
  });

  test('stops at the maximum sample size', () => {
    assert.equal(evaluate(arm(1750, 2500), arm(1750, 2500), OPTIONS).decision, 'max_samples');
  });
});

describe('sequential test, simulated (1,000 experiments each, checked after every observation)', () => {
  test('null (70% vs 70%): false promotions at most alpha = 5%', () => {
    const r = simulate({ control: 0.7, candidate: 0.7, share: 0.5, experiments: 1_000, seed: 18_001, test: OPTIONS });
    assert.ok(r.promoted / r.experiments <= 0.05, `false-promotion rate ${r.promoted / r.experiments}`);
  });

  test('null with a 10% canary share: false promotions at most 5%', () => {
    const r = simulate({ control: 0.7, candidate: 0.7, share: 0.1, experiments: 1_000, seed: 18_002, test: { ...OPTIONS, maxSamples: 600 } });
    assert.ok(r.promoted / r.experiments <= 0.05, `false-promotion rate ${r.promoted / r.experiments}`);
  });

  test('non-inferiority null (candidate exactly 3 points worse, margin 3): false promotions at most 5%', () => {
    const r = simulate({ control: 0.7, candidate: 0.67, share: 0.5, experiments: 1_000, seed: 18_003, test: { ...OPTIONS, margin: 0.03 } });
    assert.ok(r.promoted / r.experiments <= 0.05, `false-promotion rate ${r.promoted / r.experiments}`);
  });

  test('+5 points (70% -> 75%): promoted in at least 80% of experiments within 2,500 per arm, never rolled back', () => {
    const r = simulate({ control: 0.7, candidate: 0.75, share: 0.5, experiments: 1_000, seed: 18_004, test: OPTIONS });
    assert.ok(r.promoted / r.experiments >= 0.8, `power ${r.promoted / r.experiments}`);
    assert.ok(r.rolledBack / r.experiments <= 0.01, `wrong-way rollbacks ${r.rolledBack}`);
  });

  test('-5 points: rolled back in at least 80%, promoted in at most 5%', () => {
    const r = simulate({ control: 0.75, candidate: 0.7, share: 0.5, experiments: 1_000, seed: 18_005, test: OPTIONS });
    assert.ok(r.rolledBack / r.experiments >= 0.8, `rollback power ${r.rolledBack / r.experiments}`);
    assert.ok(r.promoted / r.experiments <= 0.05);
  });
});
