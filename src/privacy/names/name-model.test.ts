import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAME_MODEL } from '../data/name-model.js';
import { FEATURE_BITS } from './name-features.js';
import { loadNameModel, shippedNameModel } from './name-model.js';
import { decodeWeights, encodeWeights } from './weights-codec.js';

describe('name model artifact', () => {
  test('loads, once, into the feature table, and loading is deterministic', () => {
    const model = shippedNameModel();
    assert.equal(model.weights.length, 1 << FEATURE_BITS);
    assert.equal(shippedNameModel(), model);
    const again = loadNameModel(NAME_MODEL);
    assert.deepEqual(again.weights, model.weights);
    let nonZero = 0;
    for (const w of model.weights) if (w !== 0) nonZero++;
    assert.ok(nonZero > 1000, `${nonZero} non-zero weights`);
    assert.ok(Object.values(model.thresholds).every(Number.isFinite) && model.calibration.a > 0);
  });

  test('refuses weights trained for other features', () => {
    assert.throws(() => loadNameModel({ ...NAME_MODEL, featureVersion: NAME_MODEL.featureVersion + 1 }), /trained for features/);
  });

  test('the weight codec keeps every weight above the cut to within its quantum', () => {
    const weights = new Float32Array(4096);
    for (let i = 0; i < weights.length; i += 7) weights[i] = Math.sin(i) * 40;
    const { data, scale } = encodeWeights(weights, 0.05);
    const back = decodeWeights(data, scale, weights.length);
    for (let i = 0; i < weights.length; i++) {
      if (Math.abs(weights[i]!) >= 0.05) assert.ok(Math.abs(back[i]! - weights[i]!) <= scale, `${i}`);
      else assert.equal(back[i], 0);
    }
  });
});
