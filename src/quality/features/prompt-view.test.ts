import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelledExample } from '../datasets/labelled-dataset.js';
import { LearnedScorer } from '../learned-scorer.js';
import { trainRouterArtifact } from '../train-learned-scorer.js';
import { DEFAULT_WINDOW, learnCommonPrefix, promptView } from './prompt-view.js';

const SYSTEM = 'You are a helpful assistant for ACME Corp. Answer briefly and politely. Here is the question: ';

describe('prompt view: what the learned router looks at', () => {
  test('learns the prefix most prompts share, ending on a word boundary, and ignores a minority of other traffic', () => {
    const prompts = [
      ...Array.from({ length: 30 }, (_, i) => `${SYSTEM}question ${i} about ${i % 2 ? 'billing' : 'bugs'}`),
      ...Array.from({ length: 10 }, (_, i) => `Question ${i}: something unrelated and long enough to matter`),
    ];
    assert.equal(learnCommonPrefix(prompts), `${SYSTEM}question `);
    assert.equal(learnCommonPrefix(prompts.slice(25)), undefined, 'no prefix shared by half of them');
    assert.equal(learnCommonPrefix(['short', 'short']), undefined);
  });

  test('cuts the common prefix, then keeps a head and a tail window of a long prompt', () => {
    const view = { commonPrefix: 'PREFIX ', window: { head: 10, tail: 5 } };
    assert.equal(promptView('PREFIX short one', view), 'short one');
    assert.equal(promptView('other short one', view), 'other short one');
    assert.equal(promptView(`PREFIX ${'a'.repeat(10)}${'m'.repeat(100)}zzzzz`, view), `${'a'.repeat(10)}\nzzzzz`);
    assert.equal(promptView('PREFIX ', view), 'PREFIX ', 'a prompt that is only the prefix is kept whole');
    assert.equal(promptView('x'.repeat(50), {}), 'x'.repeat(50));
  });

  test('a router trained behind a shared prefix scores the question, not the prefix', () => {
    const examples: LabelledExample[] = Array.from({ length: 80 }, (_, i) => {
      const hard = i % 2 === 0;
      const question = hard ? `Prove that ${i} + ${i + 7} is odd, step by step` : `Say hi to ${i}`;
      return { id: String(i), prompt: `${SYSTEM}${question}`, weak: hard ? 0 : 1, strong: 1 };
    });
    const artifact = trainRouterArtifact({ examples, innerFolds: 2 });
    assert.equal(artifact.features.commonPrefix, SYSTEM);
    assert.deepEqual(artifact.features.window, { ...DEFAULT_WINDOW });
    const scorer = new LearnedScorer(artifact);
    const q = 'Prove that 3 + 10 is odd, step by step';
    assert.equal(scorer.scoreText(`${SYSTEM}${q}`), scorer.scoreText(q));
    assert.ok(scorer.scoreText(`${SYSTEM}${q}`) > scorer.scoreText(`${SYSTEM}Say hi to 5`));
  });
});
