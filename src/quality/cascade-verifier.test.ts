import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../spec/chat-request.js';
import { createCascadeVerifier, trainVerifierArtifact, verifierFromArtifact } from './cascade-verifier.js';
import type { LabelledExample } from './datasets/labelled-dataset.js';
import { evaluateArithmetic } from './features/response-statistics.js';

const request: ChatRequest = {
  model: 'tandem/auto',
  messages: [{ role: 'user', content: 'Tom has 3 boxes of 12 apples and eats 5. How many apples are left?' }],
  stream: false,
  includeUsage: false,
  params: {},
  extra: {},
};

describe('cascade verifier (built-in)', () => {
  test('accepts a clean worked answer over a truncated one and one whose arithmetic is wrong', async () => {
    const verifier = await createCascadeVerifier();
    const good = verifier.score({ request, answer: 'He has 3 * 12 = <<3*12=36>>36 apples.\nAfter eating 5: 36 - 5 = <<36-5=31>>31.\n#### 31' });
    const wrongMath = verifier.score({ request, answer: 'He has 3 * 12 = <<3*12=38>>38 apples.\nAfter eating 5: 38 - 5 = <<38-5=33>>33.\n#### 33' });
    const truncated = verifier.score({ request, answer: 'He has 3 * 12 = <<3*12=36>>36 apples. After eating' });
    assert.ok(good > wrongMath, `good ${good} <= wrong ${wrongMath}`);
    assert.ok(good > truncated, `good ${good} <= truncated ${truncated}`);
    assert.ok(good >= verifier.defaultThreshold && truncated < verifier.defaultThreshold);
  });

  test('low token log-probabilities lower the score', async () => {
    const verifier = await createCascadeVerifier();
    const answer = '3 * 12 = 36, 36 - 5 = 31.\n#### 31';
    const confident = verifier.score({ request, answer, logprobs: [-0.01, -0.02, -0.05] });
    const unsure = verifier.score({ request, answer, logprobs: [-2.5, -3, -1.8] });
    assert.ok(confident > unsure);
  });

  test('evaluates calculator annotations safely', () => {
    assert.equal(evaluateArithmetic('3*12'), 36);
    assert.equal(evaluateArithmetic('(2+3)*4/2'), 10);
    assert.equal(evaluateArithmetic('50%*80'), 40);
    assert.equal(evaluateArithmetic('process.exit()'), undefined);
  });
});

describe('cascade verifier (trained)', () => {
  test('learns from answers labelled acceptable or not', () => {
    const examples: LabelledExample[] = [];
    for (let i = 0; i < 80; i++) {
      const ok = i % 2 === 0;
      const a = (i % 9) + 2;
      const b = (i % 5) + 3;
      examples.push({
        id: String(i),
        prompt: `Ann has ${a} bags with ${b} pens each. How many pens?`,
        weak: ok ? 1 : 0,
        strong: 1,
        weakResponse: ok ? `${a} * ${b} = ${a * b}\n#### ${a * b}` : `I think it is maybe ${a + b}, however I am not sure`,
      });
    }
    const verifier = verifierFromArtifact(trainVerifierArtifact({ examples, innerFolds: 2 }));
    const good = verifier.scoreAnswer({ prompt: 'Bo has 4 bags with 6 pens each. How many pens?', answer: '4 * 6 = 24\n#### 24' });
    const bad = verifier.scoreAnswer({ prompt: 'Bo has 4 bags with 6 pens each. How many pens?', answer: 'I think it is maybe 10, however I am not sure' });
    assert.ok(good > 0.5 && bad < 0.5, `good ${good}, bad ${bad}`);
  });
});
