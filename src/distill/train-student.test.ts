import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passes } from './calibrate-thresholds.js';
import { featurize } from './hashed-features.js';
import { SoftmaxClassifier } from './softmax-model.js';
import { decodeArtifact, encodeArtifact } from './student-artifact.js';
import { StudentModel } from './student-model.js';
import { generatedExamples, TEST_LABELS } from './testing-examples.js';
import { beats, EVAL_SHARE, isEvalInput, trainStudent } from './train-student.js';

const examples = generatedExamples(600);

test('a student learns the intents, answers familiar inputs and escalates novel ones', () => {
  const { artifact, promote, currentMetrics } = trainStudent({ route: 'r', version: 1, targetAgreement: 0.98, examples, epochs: 6 });
  assert.equal(promote, true, 'a first student that beats the target on held-out examples is promoted');
  assert.equal(currentMetrics, null);
  assert.deepEqual(artifact.labels, [...TEST_LABELS].sort());
  const m = artifact.metrics;
  assert.ok(m.evalExamples > 40 && m.evalExamples < 150, `about ${EVAL_SHARE * 100}% held out, got ${m.evalExamples}`);
  assert.equal(m.trainExamples + m.evalExamples, examples.length);
  assert.ok(m.accuracy > 0.95 && m.coverage > 0.8 && m.agreement >= 0.98, JSON.stringify(m));
  const model = new StudentModel(artifact);
  const familiar = model.predict('still waiting for my replacement card');
  assert.equal(artifact.labels[familiar.label], 'card_arrival');
  assert.ok(passes(artifact.thresholds, familiar));
  const novel = model.predict('recommend a good pizza recipe with mozzarella');
  assert.ok(!passes(artifact.thresholds, novel), `novel input escalates: ${JSON.stringify(novel)} vs ${JSON.stringify(artifact.thresholds)}`);
});

test('the evaluation split depends only on the input, so every version is measured on inputs it never trained on', () => {
  const held = examples.filter((e) => isEvalInput(e.input)).length / examples.length;
  assert.ok(Math.abs(held - EVAL_SHARE) < 0.06, String(held));
  assert.equal(isEvalInput('where is my card'), isEvalInput('where is my card'));
});

test('a new student is promoted only if it beats the current one on the same evaluation set', () => {
  const good = trainStudent({ route: 'r', version: 1, targetAgreement: 0.98, examples, epochs: 6 }).artifact;
  // Retrained on the same examples: it does no better on the same held-out set, so the current one stays.
  const same = trainStudent({ route: 'r', version: 2, targetAgreement: 0.98, examples, current: encodeArtifact(good), epochs: 6 });
  assert.equal(same.promote, false);
  assert.equal(same.currentMetrics?.coverage, same.artifact.metrics.coverage);
  assert.equal(same.currentMetrics?.evalExamples, same.artifact.metrics.evalExamples);
  const few = trainStudent({ route: 'r', version: 3, targetAgreement: 0.98, examples: examples.slice(0, 40), epochs: 6 }).artifact;
  const better = trainStudent({ route: 'r', version: 4, targetAgreement: 0.98, examples, current: encodeArtifact(few), epochs: 6 });
  assert.equal(better.promote, true);
  assert.ok((better.currentMetrics?.coverage ?? 1) < better.artifact.metrics.coverage);
});

test('too few examples give a student that answers nothing and is not promoted', () => {
  const { artifact, promote } = trainStudent({ route: 'r', version: 1, targetAgreement: 0.98, examples: examples.slice(0, 3) });
  assert.equal(promote, false);
  assert.equal(artifact.metrics.coverage, 0);
});

test('the artifact round-trips through bytes and predicts as the student that was evaluated', () => {
  const { artifact } = trainStudent({ route: 'support/intent', version: 4, targetAgreement: 0.98, examples, epochs: 6 });
  const bytes = encodeArtifact(artifact);
  const decoded = decodeArtifact(bytes);
  assert.deepEqual({ ...decoded, params: undefined }, { ...artifact, params: undefined });
  const a = new SoftmaxClassifier(artifact.params);
  const b = new SoftmaxClassifier(decoded.params);
  for (const e of examples.slice(0, 50)) {
    const pa = a.predict(featurize(e.input));
    const pb = b.predict(featurize(e.input));
    assert.equal(pa.label, pb.label);
    assert.ok(Math.abs(pa.probability - pb.probability) < 1e-4 && Math.abs(pa.novelty - pb.novelty) < 1e-4);
  }
  assert.throws(() => decodeArtifact(encodeArtifact({ ...artifact }).fill(7, 4, 20)));
});

test('beats: more coverage at the target on the same set; never a student below the target', () => {
  const m = (coverage: number, agreement: number, answered = 1000) => ({ evalExamples: 2000, accuracy: 0.9, coverage, agreement, answered });
  assert.equal(beats(m(0.7, 0.983), m(0.5, 0.99), 0.98), true, 'more answers at the target beat fewer, more precise ones');
  assert.equal(beats(m(0.4, 0.995), m(0.5, 0.99), 0.98), false);
  assert.equal(beats(m(0.9, 0.97), m(0.5, 0.99), 0.98), false, 'significantly below the target never wins');
  assert.equal(beats(m(0.9, 0.975, 200), m(0.5, 0.99), 0.98), true, 'within chance of the target on 200 answers');
  assert.equal(beats(m(0.9, 0.975, 5000), m(0.5, 0.99), 0.98), false, 'not on 5,000');
  assert.equal(beats(m(0.3, 0.98), m(0.6, 0.96), 0.98), true, 'a current student below the target on this set loses to one that reaches it');
  assert.equal(beats(m(0.3, 0.99), null, 0.98), true);
  assert.equal(beats(m(0, 0), null, 0.98), false);
});
