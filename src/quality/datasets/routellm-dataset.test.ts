import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelAccuracy } from './labelled-dataset.js';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu, ROUTELLM_EXPECTED } from './routellm-dataset.js';

// The benchmark itself lives in ../shared; these checks run where it is present (dev machines, CI).
const dataDir = fileURLToPath(new URL('../../../../shared/data/routellm/', import.meta.url));
const skip = existsSync(dataDir) ? false : 'needs ../shared/data/routellm';

describe('RouteLLM loaders (decontaminated, as in the paper)', { skip }, () => {
  for (const [name, load] of [
    ['routellm-mmlu', loadRouteLlmMmlu],
    ['routellm-gsm8k', loadRouteLlmGsm8k],
  ] as const) {
    test(`${name}: n, weak and strong accuracy match the README`, async () => {
      const d = await load(dataDir);
      const expected = ROUTELLM_EXPECTED[name];
      assert.equal(d.examples.length, expected.n);
      assert.equal(modelAccuracy(d.examples, 'weak').toFixed(2), expected.weak.toFixed(2));
      assert.equal(modelAccuracy(d.examples, 'strong').toFixed(2), expected.strong.toFixed(2));
    });
  }
});
