import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledExample } from './datasets/labelled-dataset.js';
import { loadLearnedScorer, LearnedScorer } from './learned-scorer.js';
import { ScorerArtifactError, writeScorerArtifact } from './scorer-artifact.js';
import { trainRouterArtifact } from './train-learned-scorer.js';
import type { ChatRequest } from '../spec/chat-request.js';

/** Synthetic traffic: the small model fails on long multi-step word problems, passes short lookups. */
function syntheticExamples(n: number): LabelledExample[] {
  const out: LabelledExample[] = [];
  for (let i = 0; i < n; i++) {
    const hard = i % 2 === 0;
    const prompt = hard
      ? `A train travels ${i} miles at ${(i % 7) + 2} mph, then twice as far at half the speed. How many hours in total does the trip take, and what is the average speed?`
      : `What is the capital of country number ${i}?`;
    out.push({ id: String(i), prompt, weak: hard ? 0 : 1, strong: 1 });
  }
  return out;
}

function request(text: string): ChatRequest {
  return { model: 'tandem/auto', messages: [{ role: 'user', content: text }], stream: false, includeUsage: false, params: {}, extra: {} };
}

describe('learned scorer', () => {
  const artifact = trainRouterArtifact({ examples: syntheticExamples(120), dataset: 'synthetic', llmShare: 0.3, innerFolds: 2 });

  test('scores prompts that need the large model higher, in [0,1]', () => {
    const scorer = new LearnedScorer(artifact);
    const hard = scorer.score(request('A car travels 120 miles at 40 mph, then twice as far at half the speed. How many hours does the trip take in total?'));
    const easy = scorer.score(request('What is the capital of France?'));
    assert.ok(hard > easy, `hard ${hard} <= easy ${easy}`);
    for (const s of [hard, easy]) assert.ok(s >= 0 && s <= 1);
  });

  test('round-trips through a file and keeps its calibration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-scorer-'));
    const path = join(dir, 'scorer.json');
    await writeScorerArtifact(path, artifact);
    const loaded = await loadLearnedScorer(path);
    const direct = new LearnedScorer(artifact);
    const prompt = request('How many hours does a 30 mile walk at 3 mph take?');
    assert.ok(Math.abs(loaded.score(prompt) - direct.score(prompt)) < 1e-4);
    assert.equal(loaded.name, 'learned:synthetic');
    assert.ok(Math.abs(loaded.defaultThreshold - loaded.thresholdFor(0.3)) < 1e-4);
    assert.ok(loaded.thresholdFor(0.1) >= loaded.thresholdFor(0.5));
  });

  test('a foreign or damaged file fails with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-scorer-'));
    const foreign = join(dir, 'foreign.json');
    await writeFile(foreign, JSON.stringify({ weights: [1, 2, 3] }));
    await assert.rejects(loadLearnedScorer(foreign), (e: unknown) => e instanceof ScorerArtifactError && /not a Tandem scorer artifact/.test(e.message));

    const future = join(dir, 'future.json');
    await writeFile(future, JSON.stringify({ ...artifact, version: 2 }));
    await assert.rejects(loadLearnedScorer(future), /version 2; this Tandem reads version 1/);

    const broken = join(dir, 'broken.json');
    const text = await readFile(foreign, 'utf8');
    await writeFile(broken, text.slice(0, 5));
    await assert.rejects(loadLearnedScorer(broken), /not valid JSON/);

    const nan = join(dir, 'nan.json');
    await writeFile(nan, JSON.stringify({ ...artifact, model: { ...artifact.model, intercept: 'x' } }));
    await assert.rejects(loadLearnedScorer(nan), /model\.intercept/);
  });
});
