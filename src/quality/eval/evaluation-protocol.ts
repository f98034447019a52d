/**
 * The honest protocol: scorers are trained on at most `maxTrain` prompts and judged only on prompts they
 * never saw. Random splits (train <= maxTrain, test = the rest) for large benchmarks; k-fold
 * cross-validation (every prompt scored out of fold) for small ones. Random and oracle are computed on
 * the same test sets, so every router is compared on equal footing.
 */
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import { modelAccuracy } from '../datasets/labelled-dataset.js';
import { shuffledIndices } from '../model/fit-with-inner-cv.js';
import { oracleCurve, randomCurve, routingCurve, summarizeCurve, type CostModel, type CurvePoint, type CurveSummary } from './routing-metrics.js';
import { exactRandomCurve, routerUncertainty, type Uncertainty } from './resampling.js';

/** Trains on `train` and returns a function that scores prompts (higher = strong model). */
export type RouterTrainer = (train: readonly LabelledExample[]) => (test: readonly LabelledExample[]) => number[];

export interface RouterUnderTest {
  name: string;
  mode: 'route' | 'cascade';
  /** Undefined for routers that need no training (their scorer is fixed). */
  train: RouterTrainer;
  /** The dataset a pre-trained artifact learned from: scoring that dataset again is partly in-sample. */
  trainedOn?: string;
  /** Hashes of the prompts a pre-trained artifact learned from (scorer-artifact.ts), to detect in-sample scoring by content. */
  trainedPrompts?: ReadonlySet<number>;
}

export interface MethodResult {
  name: string;
  mode: 'route' | 'cascade' | 'baseline';
  /** One summary per split (or per CV repetition). */
  runs: CurveSummary[];
  mean: CurveSummary;
  sd: CurveSummary;
  /** The curve of the first split, for plots. */
  curve: CurvePoint[];
  trainMs?: number;
  /** Bootstrap interval and permutation p-value over the prompts of the first split / CV repetition. */
  uncertainty?: Uncertainty;
}

export interface ProtocolResult {
  protocol: string;
  weakAccuracy: number;
  strongAccuracy: number;
  methods: MethodResult[];
}

export interface ProtocolOptions {
  examples: readonly LabelledExample[];
  routers: readonly RouterUnderTest[];
  costs?: CostModel;
  /**
   * 'splits': `repeats` random splits with `maxTrain` training prompts; 'cv': `folds`-fold CV repeated;
   * 'all': no training data, every prompt scored once (a pre-trained artifact or a fixed router).
   */
  kind: 'splits' | 'cv' | 'all';
  maxTrain?: number;
  repeats?: number;
  folds?: number;
  seed?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /** Bootstrap and permutation draws per router (default 500; 0 skips them). */
  resamples?: number;
}

interface Fold {
  train: LabelledExample[];
  test: LabelledExample[];
}

/** The evaluation sets of one repetition: a single split, or k folds whose test parts cover all prompts. */
function foldsFor(options: ProtocolOptions, repeat: number): Fold[] {
  const { examples } = options;
  if (options.kind === 'all') return [{ train: [], test: [...examples] }];
  const order = shuffledIndices(examples.length, (options.seed ?? 1) + repeat);
  if (options.kind === 'splits') {
    const maxTrain = Math.min(options.maxTrain ?? 1500, Math.floor(examples.length / 2));
    return [
      {
        train: order.slice(0, maxTrain).map((i) => examples[i] as LabelledExample),
        test: order.slice(maxTrain).map((i) => examples[i] as LabelledExample),
      },
    ];
  }
  const k = options.folds ?? 5;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const train: LabelledExample[] = [];
    const test: LabelledExample[] = [];
    for (const [pos, i] of order.entries()) (pos % k === f ? test : train).push(examples[i] as LabelledExample);
    // Never more training prompts than the protocol allows.
    folds.push({ train: train.slice(0, options.maxTrain ?? 1500), test });
  }
  return folds;
}

function stats(runs: readonly CurveSummary[]): { mean: CurveSummary; sd: CurveSummary } {
  const keys = ['cpt20', 'cpt50', 'cpt80', 'apgr', 'auc'] as const;
  const mean = {} as CurveSummary;
  const sd = {} as CurveSummary;
  for (const key of keys) {
    const xs = runs.map((r) => r[key]);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    mean[key] = m;
    sd[key] = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  }
  return { mean, sd };
}

export function runProtocol(options: ProtocolOptions): ProtocolResult {
  const repeats = options.kind === 'all' ? 1 : (options.repeats ?? 5);
  const perMethod = new Map<string, { mode: MethodResult['mode']; runs: CurveSummary[]; curve?: CurvePoint[]; trainMs: number }>();
  const uncertainty = new Map<string, Uncertainty>();
  const resamples = options.resamples ?? 500;
  let exactRandom: CurveSummary[] = [];
  let exactCurve: CurvePoint[] = [];
  const record = (name: string, mode: MethodResult['mode'], summary: CurveSummary, curve: CurvePoint[], trainMs = 0): void => {
    const entry = perMethod.get(name) ?? { mode, runs: [], trainMs: 0 };
    entry.runs.push(summary);
    entry.curve ??= curve;
    entry.trainMs += trainMs;
    perMethod.set(name, entry);
  };
  const total = repeats * options.routers.length;
  let done = 0;
  for (let r = 0; r < repeats; r++) {
    const folds = foldsFor(options, r);
    // The prompts scored in this repetition (a split's test set, or all prompts across the folds).
    const evaluated = folds.flatMap((f) => f.test);
    const weak = modelAccuracy(evaluated, 'weak');
    const strong = modelAccuracy(evaluated, 'strong');
    const { costs } = options;
    for (const router of options.routers) {
      options.onProgress?.(done, total, `${router.name} ${r + 1}/${repeats}`);
      const scores: number[] = [];
      let trainMs = 0;
      for (const fold of folds) {
        const started = performance.now();
        const scorer = router.train(fold.train);
        trainMs += performance.now() - started;
        scores.push(...scorer(fold.test));
      }
      const curve = routingCurve({ examples: evaluated, scores, mode: router.mode, ...(costs ? { costs } : {}) });
      record(router.name, router.mode, summarizeCurve(curve, weak, strong), curve, trainMs / folds.length);
      if (r === 0 && resamples > 0) uncertainty.set(router.name, routerUncertainty({ examples: evaluated, scores, resamples, seed: (options.seed ?? 1) + 96 }));
      done++;
    }
    const random = randomCurve({ examples: evaluated, ...(costs ? { costs } : {}) });
    record('random', 'baseline', summarizeCurve(random, weak, strong), random);
    const exact = exactRandomCurve(weak, strong);
    exactRandom.push(exact.summary);
    if (r === 0) exactCurve = exact.curve;
    const oracle = oracleCurve({ examples: evaluated, ...(costs ? { costs } : {}) });
    record('oracle', 'baseline', summarizeCurve(oracle, weak, strong), oracle);
  }
  options.onProgress?.(total, total, 'done');
  const methods: MethodResult[] = [];
  for (const [name, entry] of perMethod) {
    const result: MethodResult = { name, mode: entry.mode, runs: entry.runs, ...stats(entry.runs), curve: entry.curve ?? [] };
    if (entry.mode !== 'baseline') result.trainMs = entry.trainMs / entry.runs.length;
    const u = uncertainty.get(name);
    if (u) result.uncertainty = u;
    methods.push(result);
    // The exact expectation beside the 10-seed random row (it carries no seed noise).
    if (name === 'random') {
      methods.push({ name: 'random (exact)', mode: 'baseline', runs: exactRandom, ...stats(exactRandom), curve: exactCurve });
      exactRandom = [];
    }
  }
  const protocol =
    options.kind === 'all'
      ? 'no training: every prompt scored once'
      : options.kind === 'splits'
        ? `${repeats} random splits: train on ${Math.min(options.maxTrain ?? 1500, Math.floor(options.examples.length / 2))} prompts, test on the rest`
        : `${repeats} x ${options.folds ?? 5}-fold cross-validation (every prompt scored out of fold)`;
  return {
    protocol,
    weakAccuracy: modelAccuracy(options.examples, 'weak'),
    strongAccuracy: modelAccuracy(options.examples, 'strong'),
    methods,
  };
}
