import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featurize, HASH_BUCKETS } from './hashed-features.js';

test('features are distinct sorted buckets of unit length; case and punctuation do not matter', () => {
  const a = featurize('Where is my card?');
  assert.ok(a.indices.length > 10);
  let norm = 0;
  for (let i = 0; i < a.indices.length; i++) {
    assert.ok((a.indices[i] as number) >= 0 && (a.indices[i] as number) < HASH_BUCKETS);
    if (i > 0) assert.ok((a.indices[i] as number) > (a.indices[i - 1] as number));
    norm += (a.values[i] as number) ** 2;
  }
  assert.ok(Math.abs(norm - 1) < 1e-5);
  assert.deepEqual([...featurize('where IS my card').indices], [...a.indices]);
  assert.equal(featurize('').indices.length, 0);
});

test('a typo keeps most character n-grams in common', () => {
  const shared = (x: string, y: string): number => {
    const b = new Set(featurize(y).indices);
    return [...featurize(x).indices].filter((i) => b.has(i)).length / featurize(x).indices.length;
  };
  assert.ok(shared('I have not received my card', 'I have not recieved my card') > 0.6);
  assert.ok(shared('I have not received my card', 'what is the weather in paris') < 0.2);
});
