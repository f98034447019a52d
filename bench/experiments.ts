/**
 * `npm run bench:experiments`: the sample-size table of docs/lifecycle.md#experiments. For each baseline,
 * effect and canary share, the smallest maximum per arm (on a grid) at which the sequential test
 * (src/lifecycle/sequential-test.ts, alpha 5%, tau = the effect) promotes a truly better candidate in at
 * least 80% of simulated experiments, with the false-promotion rate under the null at that size.
 */
import { simulate } from '../src/lifecycle/experiment-simulation.js';
import type { SequentialTestOptions } from '../src/lifecycle/sequential-test.js';

const EXPERIMENTS = Number(process.env.EXPERIMENTS ?? 2_000);
const GRID = [250, 500, 750, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 20_000];

console.log(`| baseline | effect | share | max per arm | power | false promotions (null) | mean observations (effect) |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const [baseline, effect] of [
  [0.7, 0.1],
  [0.7, 0.05],
  [0.7, 0.03],
  [0.9, 0.05],
] as const) {
  for (const share of [0.5, 0.1]) {
    for (const max of GRID) {
      const test: SequentialTestOptions = { alpha: 0.05, margin: 0, tau: effect, minSamples: 100, maxSamples: max, higherIsBetter: true };
      const alt = simulate({ control: baseline, candidate: baseline + effect, share, experiments: EXPERIMENTS, seed: max + 1, test });
      const power = alt.promoted / alt.experiments;
      if (power < 0.8 && max !== GRID[GRID.length - 1]) continue;
      const nul = simulate({ control: baseline, candidate: baseline, share, experiments: EXPERIMENTS, seed: max + 2, test });
      console.log(
        `| ${baseline} | +${effect} | ${share} | ${max} | ${(power * 100).toFixed(1)}% | ${((nul.promoted / nul.experiments) * 100).toFixed(1)}% | ${Math.round(alt.meanObservations)} |`,
      );
      break;
    }
  }
}
