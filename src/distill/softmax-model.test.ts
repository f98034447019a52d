import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featurize } from './hashed-features.js';
import { SoftmaxClassifier, trainSoftmax } from './softmax-model.js';
import { generatedExamples, TEST_LABELS } from './testing-examples.js';

test("novelty is the distance to the predicted label's centroid, not to the nearest one", () => {
  const labels = [...TEST_LABELS].sort();
  const examples = generatedExamples(300).map((e) => ({ x: featurize(e.input), y: labels.indexOf(e.label) }));
  const params = trainSoftmax(examples, { labelCount: labels.length, epochs: 4 });
  const model = new SoftmaxClassifier(params);
  const C = params.labelCount;
  const rowOf = new Map(Array.from(params.buckets, (bucket, row) => [bucket, row]));
  const cosine = (input: string, label: number): number => {
    const x = featurize(input);
    let sum = 0;
    x.indices.forEach((bucket, i) => {
      const row = rowOf.get(bucket);
      if (row !== undefined) sum += (x.values[i] as number) * (params.centroids[row * C + label] as number);
    });
    return sum;
  };
  for (const input of ['still waiting for my replacement card', 'my top up failed with apple pay', 'recommend a good pizza recipe']) {
    const p = model.predict(featurize(input));
    assert.ok(Math.abs(p.novelty - (1 - Math.max(0, cosine(input, p.label)))) < 1e-5, input);
    const nearest = Math.max(...labels.map((_, c) => cosine(input, c)));
    assert.ok(p.novelty >= 1 - nearest - 1e-6, 'never closer than the nearest centroid');
  }
  const familiar = model.predict(featurize('still waiting for my replacement card'));
  const novel = model.predict(featurize('recommend a good pizza recipe'));
  assert.ok(familiar.novelty < novel.novelty, `${familiar.novelty} < ${novel.novelty}`);
});
