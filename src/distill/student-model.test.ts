import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/seeded-random.js';
import { featurize } from './hashed-features.js';
import { decodeArtifact, encodeArtifact } from './student-artifact.js';
import { StudentModel } from './student-model.js';
import { generatedExamples, TEST_LABELS } from './testing-examples.js';
import { trainStudent } from './train-student.js';

/** A teacher wrong on 15% of inputs: enough wrong out-of-fold answers to fit the confidence combiner. */
function noisyExamples(count: number) {
  const random = seededRandom(7);
  return generatedExamples(count).map((e) => (random() < 0.15 ? { ...e, label: TEST_LABELS[Math.floor(random() * TEST_LABELS.length)] as string } : e));
}

const magicOf = (bytes: Uint8Array): string => {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return (JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as { magic: string }).magic;
};

test('a student with the trust combiner round-trips as format 2 and predicts as the one evaluated', () => {
  const { artifact } = trainStudent({ route: 'r', version: 1, targetAgreement: 0.8, examples: noisyExamples(800), epochs: 6, trust: true });
  assert.equal(artifact.thresholds.combiner?.length, 4);
  assert.ok(artifact.trust && artifact.trust.labels.length === artifact.metrics.trainExamples);
  const bytes = encodeArtifact(artifact);
  assert.equal(magicOf(bytes), 'tandem-student/2');
  const decoded = decodeArtifact(bytes);
  assert.deepEqual(decoded.trust, artifact.trust);
  assert.deepEqual(decoded.thresholds, artifact.thresholds);
  const a = new StudentModel(artifact);
  const b = new StudentModel(decoded);
  for (const e of generatedExamples(60, 9)) {
    const pa = a.predict(e.input);
    const pb = b.predict(e.input);
    assert.equal(pa.label, pb.label);
    assert.ok(Math.abs(pa.probability - pb.probability) < 1e-4, `${pa.probability} vs ${pb.probability}`);
  }
});

test('students without the combiner (the default, and older artifacts: format 1) load and decide on the top probability', () => {
  const { artifact } = trainStudent({ route: 'r', version: 1, targetAgreement: 0.98, examples: generatedExamples(400), epochs: 6 });
  assert.equal(artifact.thresholds.combiner, undefined);
  assert.equal(artifact.trust, undefined);
  const bytes = encodeArtifact(artifact);
  assert.equal(magicOf(bytes), 'tandem-student/1');
  const decoded = decodeArtifact(bytes);
  assert.equal(decoded.trust, undefined);
  const model = new StudentModel(decoded);
  const input = 'still waiting for my replacement card';
  assert.equal(model.predict(input).probability, model.softmax.predict(featurize(input)).probability);
});
