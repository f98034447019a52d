/**
 * `npm run bench:distill-offline`: the task student trained offline on i.i.d. train labels (no gateway), to
 * compare confidence signals, calibrations and features quickly. As train-student.ts does, the ~15% of
 * train inputs in the evaluation hash are left out; the student trains on the rest, its thresholds are
 * calibrated on out-of-fold predictions of that rest only, and the test split is used only to report
 * coverage and agreement at those thresholds. The "oracle" column is the coverage a threshold picked on
 * the test split would give at the target: a reference for how good the ranking is, not usable to serve.
 *
 *   npm run bench:distill-offline                              Banking77 and CLINC150, all variants
 *   npm run bench:distill-offline -- --only banking77 --variants shipped,margin
 *   npm run bench:distill-offline -- --limit 3000               a quick pass
 *   npm run bench:distill-offline -- --product                  the shipped trainer (train-student.ts), trust off and on
 */
import { parseArgs } from 'node:util';
import { calibrateThresholds, passes, type OutOfFold } from '../src/distill/calibrate-thresholds.js';
import { solve } from '../src/distill/confidence-combiner.js';
import { featurize, HASH_BUCKETS, type SparseVector } from '../src/distill/hashed-features.js';
import { trainSoftmax, type LabelledVector, type SoftmaxParams } from '../src/distill/softmax-model.js';
import { decodeArtifact, encodeArtifact, quantizeInPlace, type StudentThresholds } from '../src/distill/student-artifact.js';
import { StudentModel } from '../src/distill/student-model.js';
import { isEvalInput, trainStudent } from '../src/distill/train-student.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { banking77, clinc150, clincOosTest, type IntentDataset, type Labelled } from './distill-data.js';
import { combinedFeaturizer } from './distill-offline-features.js';
import { idfOf, NeighbourIndex, type WordVector, wordVector } from './distill-offline-neighbours.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    variants: { type: 'string' },
    limit: { type: 'string' },
    target: { type: 'string', default: '0.98' },
    seed: { type: 'string', default: '0' },
    product: { type: 'boolean', default: false },
  },
});
const TARGET = Number(args.target);
const LIMIT = args.limit === undefined ? Infinity : Number(args.limit);
/** 0: the train split in file order and the shipped seeds; otherwise a shuffled order (other folds) and other seeds. */
const SEED = Number(args.seed);

/** One student configuration: how inputs are featurised, how models train, how many folds calibrate it. */
interface Setup {
  name: string;
  featurize: (text: string) => SparseVector;
  folds: number;
  epochs: number;
  /** Epochs of the fold models (default: epochs). */
  foldEpochs?: number;
  /** Out-of-fold trust scores against all other training examples (leave one out) rather than the fold's. */
  leaveOneOutTrust?: boolean;
}

/** A scored input: the model's top two probabilities, its label, its novelty, and whether it was right. */
interface Scored {
  label: number;
  p1: number;
  p2: number;
  novelty: number;
  correct: boolean;
  /** Distinct feature buckets of the input (a length signal). */
  size: number;
  /** Trust score: nearest training example of the predicted label, and of any other label (distill-offline-neighbours.ts). */
  same: number;
  other: number;
}

/** A way to turn a scored input into the confidence the threshold applies to. */
interface Confidence {
  name: string;
  /** Fitted on the out-of-fold scores (train data only), then applied to test scores. */
  fit: (outOfFold: readonly Scored[]) => (s: Scored) => number;
}

const logit = (p: number): number => Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));

/** A logistic combiner of per-input signals, fitted on the out-of-fold scores to predict agreement. */
function combiner(name: string, features: (s: Scored) => number[]): Confidence {
  return {
    name,
    fit: (oof) => {
      const w = fitLogistic(
        oof.map(features),
        oof.map((s) => (s.correct ? 1 : 0)),
      );
      if (process.env.DISTILL_OFFLINE_DEBUG) console.error(name, w.map((v) => v.toFixed(3)).join(' '));
      return (s) => sigmoid(dot(w, features(s)));
    },
  };
}

const logRatio = (s: Scored): number => Math.log(Math.max(s.p1, 1e-9) / Math.max(s.p2, 1e-9));

const CONFIDENCES: Confidence[] = [
  { name: 'p1', fit: () => (s) => s.p1 },
  { name: 'margin', fit: () => (s) => s.p1 - s.p2 },
  combiner('combiner', (s) => [1, logit(s.p1), logRatio(s), s.novelty]),
  combiner('comb-no-novelty', (s) => [1, logit(s.p1), logRatio(s)]),
  combiner('comb-p1-novelty', (s) => [1, logit(s.p1), s.novelty]),
  combiner('comb-size', (s) => [1, logit(s.p1), logRatio(s), s.novelty, Math.log(1 + s.size)]),
  combiner('comb-trust', (s) => [1, logit(s.p1), logRatio(s), s.novelty, s.same, s.other]),
  combiner('comb-p1-trust', (s) => [1, logit(s.p1), s.same, s.other]),
];

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);

/** Logistic regression by Newton's method with a small ridge (a handful of features, thousands of rows). */
function fitLogistic(X: number[][], y: number[]): number[] {
  const d = (X[0] as number[]).length;
  let w = new Array<number>(d).fill(0);
  for (let iter = 0; iter < 25; iter++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < X.length; i++) {
      const x = X[i] as number[];
      const p = sigmoid(dot(w, x));
      const r = p - (y[i] as number);
      const s = p * (1 - p);
      for (let a = 0; a < d; a++) {
        g[a] = (g[a] as number) + r * (x[a] as number);
        const row = H[a] as number[];
        for (let b = 0; b < d; b++) row[b] = (row[b] as number) + s * (x[a] as number) * (x[b] as number);
      }
    }
    for (let a = 0; a < d; a++) {
      const row = H[a] as number[];
      row[a] = (row[a] as number) + 1e-3;
      g[a] = (g[a] as number) + 1e-3 * (w[a] as number);
    }
    const step = solve(H, g);
    w = w.map((v, i) => v - (step[i] as number));
  }
  return w;
}

/** Predicts as SoftmaxClassifier does, keeping the full probability vector (for the second-best label). */
class Scorer {
  private readonly rowOf = new Int32Array(HASH_BUCKETS).fill(-1);
  readonly probs: Float64Array;
  constructor(readonly params: SoftmaxParams) {
    for (let r = 0; r < params.buckets.length; r++) this.rowOf[params.buckets[r] as number] = r;
    this.probs = new Float64Array(params.labelCount);
  }
  /** Fills `probs`; returns the novelty against the predicted label's centroid. */
  score(x: SparseVector): { label: number; novelty: number } {
    const { weights, bias, centroids, labelCount: C } = this.params;
    const s = this.probs;
    for (let c = 0; c < C; c++) s[c] = bias[c] as number;
    for (let i = 0; i < x.indices.length; i++) {
      const row = this.rowOf[x.indices[i] as number] as number;
      if (row < 0) continue;
      const v = x.values[i] as number;
      for (let c = 0; c < C; c++) s[c] = (s[c] as number) + v * (weights[row * C + c] as number);
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, s[c] as number);
    let sum = 0;
    for (let c = 0; c < C; c++) {
      s[c] = Math.exp((s[c] as number) - max);
      sum += s[c] as number;
    }
    let label = 0;
    for (let c = 0; c < C; c++) {
      s[c] = (s[c] as number) / sum;
      if ((s[c] as number) > (s[label] as number)) label = c;
    }
    let similarity = 0;
    for (let i = 0; i < x.indices.length; i++) {
      const row = this.rowOf[x.indices[i] as number] as number;
      if (row >= 0) similarity += (x.values[i] as number) * (centroids[row * C + label] as number);
    }
    return { label, novelty: 1 - Math.max(0, similarity) };
  }
}

function scoredFrom(probs: Float64Array, label: number, novelty: number, y: number, size: number): Scored {
  let p2 = 0;
  for (let c = 0; c < probs.length; c++) if (c !== label) p2 = Math.max(p2, probs[c] as number);
  return { label, p1: probs[label] as number, p2, novelty, correct: label === y, size, same: 0, other: 0 };
}

interface Row {
  dataset: string;
  variant: string;
  coverage: number;
  agreement: number;
  oracle: number;
  inferenceUs: number;
  trainS: number;
  /** Coverage and agreement of the same student on the train split's evaluation-hash slice (never trained on). */
  heldOut: { coverage: number; agreement: number };
  /** Coverage of the out-of-fold predictions at the chosen thresholds. */
  oofCoverage: number;
  /** Share of CLINC150's out-of-scope test queries the Banking77 student escalates. */
  novelEscalated: number;
}

/** Coverage of the largest most-confident set of test answers (past the novelty gate) that agrees at the target. */
function oracleCoverage(test: readonly Scored[], confidence: (s: Scored) => number, novelty: number): number {
  const ranked = test
    .filter((s) => s.novelty <= novelty)
    .map((s) => ({ c: confidence(s), correct: s.correct }))
    .sort((a, b) => b.c - a.c);
  let right = 0;
  let best = 0;
  for (let i = 0; i < ranked.length; i++) {
    if ((ranked[i] as { correct: boolean }).correct) right++;
    const next = ranked[i + 1];
    if (next !== undefined && next.c === (ranked[i] as { c: number }).c) continue;
    if (right / (i + 1) >= TARGET) best = i + 1;
  }
  return best / test.length;
}

function measure(test: readonly Scored[], confidence: (s: Scored) => number, thresholds: StudentThresholds): { coverage: number; agreement: number } {
  let answered = 0;
  let right = 0;
  for (const s of test) {
    if (!passes(thresholds, { probability: confidence(s), novelty: s.novelty })) continue;
    answered++;
    if (s.correct) right++;
  }
  return { coverage: answered / test.length, agreement: answered === 0 ? 0 : right / answered };
}

/** The rows in file order for --seed 0, else shuffled by the seed (other folds). */
function shuffled(rows: Labelled[]): Labelled[] {
  const out = [...rows];
  if (SEED === 0) return out;
  const random = seededRandom(SEED);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as Labelled, out[i] as Labelled];
  }
  return out;
}

function run(dataset: IntentDataset, setup: Setup): Row[] {
  const rows = shuffled(dataset.train.filter((r) => !isEvalInput(r.text))).slice(0, LIMIT);
  const testRows = dataset.test.slice(0, LIMIT === Infinity ? Infinity : Math.ceil(LIMIT / 3));
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const C = labels.length;
  const started = performance.now();
  const train: LabelledVector[] = rows.map((r) => ({ x: setup.featurize(r.text), y: index.get(r.label) as number }));
  const foldModels: Scorer[] = [];
  const outOfFold: Scored[] = [];
  const idf = idfOf(rows.map((r) => r.text));
  const wordVectors = rows.map((r) => wordVector(r.text, idf));
  const everyNeighbour = new NeighbourIndex(
    wordVectors,
    train.map((e) => e.y),
  );
  for (let k = 0; k < setup.folds; k++) {
    const fit = train.filter((_, i) => i % setup.folds !== k);
    const neighbours = new NeighbourIndex(
      wordVectors.filter((_, i) => i % setup.folds !== k),
      fit.map((e) => e.y),
    );
    const model = new Scorer(trainSoftmax(fit, { labelCount: C, epochs: setup.foldEpochs ?? setup.epochs, seed: k + 1 + SEED * 100 }));
    foldModels.push(model);
    for (let i = k; i < train.length; i += setup.folds) {
      const e = train[i] as LabelledVector;
      const { label, novelty } = model.score(e.x);
      const scored = scoredFrom(model.probs, label, novelty, e.y, e.x.indices.length);
      Object.assign(
        scored,
        setup.leaveOneOutTrust ? everyNeighbour.trust(wordVectors[i] as WordVector, label, i) : neighbours.trust(wordVectors[i] as WordVector, label),
      );
      outOfFold.push(scored);
    }
  }
  const params = trainSoftmax(train, { labelCount: C, epochs: setup.epochs, seed: 99 + SEED * 100 });
  quantizeInPlace(params);
  const trainS = (performance.now() - started) / 1000;
  const final = new Scorer(params);
  const neighbours = everyNeighbour;
  const withTrust = (scored: Scored, text: string): Scored => Object.assign(scored, neighbours.trust(wordVector(text, idf), scored.label));

  // -1 for labels the train part never saw: always wrong.
  const testY = testRows.map((r) => index.get(r.label) ?? -1);
  const t0 = performance.now();
  const test = testRows.map((r, i) => {
    const x = setup.featurize(r.text);
    const { label, novelty } = final.score(x);
    return scoredFrom(final.probs, label, novelty, testY[i] as number, x.indices.length);
  });
  const inferenceUs = ((performance.now() - t0) * 1000) / testRows.length;
  const t2 = performance.now();
  for (const [i, r] of testRows.entries()) withTrust(test[i] as Scored, r.text);
  const trustUs = ((performance.now() - t2) * 1000) / testRows.length;
  console.error(`${dataset.name} ${setup.name}: trust score ${trustUs.toFixed(1)} µs per input (beside the model's ${inferenceUs.toFixed(1)} µs)`);
  const heldOutRows = dataset.train.filter((r) => isEvalInput(r.text));
  const heldOut = heldOutRows.map((r) => {
    const x = setup.featurize(r.text);
    const { label, novelty } = final.score(x);
    return withTrust(scoredFrom(final.probs, label, novelty, index.get(r.label) ?? -1, x.indices.length), r.text);
  });
  // Novel inputs (Banking77 only): CLINC150's out-of-scope test queries; any answer to them counts against the student.
  const novel = (dataset.name === 'banking77' ? clincOosTest() : []).map((text) => {
    const x = setup.featurize(text);
    const { label, novelty } = final.score(x);
    return withTrust(scoredFrom(final.probs, label, novelty, -1, x.indices.length), text);
  });

  const out: Row[] = [];
  for (const confidence of CONFIDENCES) {
    const f = confidence.fit(outOfFold);
    const oof: OutOfFold[] = outOfFold.map((s) => ({ probability: f(s), novelty: s.novelty, correct: s.correct, weight: 1 }));
    const thresholds = calibrateThresholds(oof, TARGET);
    out.push({
      dataset: dataset.name,
      variant: `${setup.name} / ${confidence.name}`,
      ...measure(test, f, thresholds),
      oracle: oracleCoverage(test, f, thresholds.novelty),
      inferenceUs,
      trainS,
      heldOut: measure(heldOut, f, thresholds),
      oofCoverage: measure(outOfFold, f, thresholds).coverage,
      novelEscalated: novel.length === 0 ? Number.NaN : 1 - measure(novel, f, thresholds).coverage,
    });
  }

  // Serving the mean of the fold models (no final model), thresholds from the single fold models' out-of-fold p1.
  const t1 = performance.now();
  const mean = new Float64Array(C);
  const ensembled = testRows.map((r, i) => {
    const x = setup.featurize(r.text);
    mean.fill(0);
    let novelty = 0;
    for (const m of foldModels) {
      novelty += m.score(x).novelty / foldModels.length;
      for (let c = 0; c < C; c++) mean[c] = (mean[c] as number) + (m.probs[c] as number) / foldModels.length;
    }
    let label = 0;
    for (let c = 1; c < C; c++) if ((mean[c] as number) > (mean[label] as number)) label = c;
    return scoredFrom(mean, label, novelty, testY[i] as number, x.indices.length);
  });
  const ensembleUs = ((performance.now() - t1) * 1000) / testRows.length;
  const p1 = (s: Scored): number => s.p1;
  const thresholds = calibrateThresholds(
    outOfFold.map((s) => ({ probability: s.p1, novelty: s.novelty, correct: s.correct, weight: 1 })),
    TARGET,
  );
  out.push({
    dataset: dataset.name,
    variant: `${setup.name} / fold-mean p1`,
    ...measure(ensembled, p1, thresholds),
    oracle: oracleCoverage(ensembled, p1, thresholds.novelty),
    inferenceUs: ensembleUs,
    trainS,
    heldOut: { coverage: Number.NaN, agreement: Number.NaN },
    oofCoverage: measure(outOfFold, p1, thresholds).coverage,
    novelEscalated: Number.NaN,
  });
  return out;
}

const SETUPS: Setup[] = [
  { name: 'shipped', featurize, folds: 3, epochs: 8 },
  { name: 'loo-trust', featurize, folds: 3, epochs: 8, leaveOneOutTrust: true },
  { name: 'folds10-4ep', featurize, folds: 10, epochs: 8, foldEpochs: 4 },
  { name: 'folds10-8ep', featurize, folds: 10, epochs: 8 },
  { name: 'folds3-4ep', featurize, folds: 3, epochs: 8, foldEpochs: 4 },
  { name: 'folds5-4ep', featurize, folds: 5, epochs: 8, foldEpochs: 4 },
  { name: 'word-trigrams', featurize: combinedFeaturizer({ wordTrigrams: true }), folds: 3, epochs: 8 },
  { name: 'cross-word-chars', featurize: combinedFeaturizer({ crossWordChars: true }), folds: 3, epochs: 8 },
];

/**
 * The shipped trainer itself (train-student.ts, with and without the trust combiner) on the whole train
 * split, served by StudentModel as task-stage.ts serves it.
 */
function runProduct(dataset: IntentDataset, trust: boolean): Row {
  const result = trainStudent({
    route: 'offline',
    version: 1,
    targetAgreement: TARGET,
    examples: shuffled(dataset.train.slice(0, LIMIT)).map((r) => ({ input: r.text, label: r.label })),
    trust,
  });
  const { artifact } = result;
  const model = new StudentModel(decodeArtifact(encodeArtifact(artifact)));
  const testRows = dataset.test.slice(0, LIMIT === Infinity ? Infinity : Math.ceil(LIMIT / 3));
  let answered = 0;
  let right = 0;
  for (const r of testRows) {
    const p = model.predict(r.text);
    if (!passes(artifact.thresholds, p)) continue;
    answered++;
    if (artifact.labels[p.label] === r.label) right++;
  }
  // The fastest of 5 passes over the test inputs (the machine is shared: slower passes measure the neighbours).
  let inferenceUs = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const t0 = performance.now();
    for (const r of testRows) model.predict(r.text);
    inferenceUs = Math.min(inferenceUs, ((performance.now() - t0) * 1000) / testRows.length);
  }
  const novel = dataset.name === 'banking77' ? clincOosTest() : [];
  const novelAnswered = novel.filter((text) => passes(artifact.thresholds, model.predict(text))).length;
  const m = artifact.metrics;
  return {
    dataset: dataset.name,
    variant: `train-student.ts, trust ${trust ? 'on' : 'off'}${artifact.thresholds.combiner ? '' : ' (no combiner fitted)'}`,
    coverage: answered / testRows.length,
    agreement: answered === 0 ? 0 : right / answered,
    oracle: Number.NaN,
    inferenceUs,
    trainS: m.trainingMs / 1000,
    heldOut: { coverage: m.coverage, agreement: m.agreement },
    oofCoverage: Number.NaN,
    novelEscalated: novel.length === 0 ? Number.NaN : 1 - novelAnswered / novel.length,
  };
}

const wanted = args.variants?.split(',');
const datasets = [banking77, clinc150].filter((d) => args.only === undefined || d.name === args.only);
const results: Row[] = [];
for (const load of datasets) {
  const dataset = load();
  if (args.product) {
    for (const trust of [false, true]) {
      const row = runProduct(dataset, trust);
      print(row);
      results.push(row);
    }
    continue;
  }
  for (const setup of SETUPS) {
    if (wanted !== undefined && !wanted.includes(setup.name)) continue;
    const rows = run(dataset, setup);
    for (const r of rows) print(r);
    results.push(...rows);
  }
}

function print(r: Row): void {
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  console.log(
    `| ${r.dataset} | ${r.variant} | ${pct(r.coverage)} | ${pct(r.agreement)} | ${pct(r.oracle)} | ${pct(r.heldOut.coverage)} at ${pct(r.heldOut.agreement)} | ${pct(r.oofCoverage)} | ${pct(r.novelEscalated)} | ${r.inferenceUs.toFixed(1)} | ${r.trainS.toFixed(1)} |`,
  );
}
if (results.length > 0) {
  console.log(
    '\n| dataset | variant | test coverage (thresholds from train) | test agreement | oracle test coverage at target (test-picked) | train eval-hash slice: coverage at agreement | out-of-fold coverage | CLINC oos_test escalated | inference µs | train s |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) print(r);
}
