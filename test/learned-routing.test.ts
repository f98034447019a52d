/**
 * The learned router end to end: an artifact trained in-process from a small labelled set, loaded by the
 * gateway from `router: {type: learned, artifact, llm_share}`, routes easy and hard prompts to the
 * expected models and shows its score and threshold in the x-tandem-* headers and in POST /v1/route.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { LabelledExample } from '../src/quality/datasets/labelled-dataset.js';
import { loadLearnedScorer, type LearnedScorer } from '../src/quality/learned-scorer.js';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const EASY = 'Say hello to my friend Anna.';
const HARD = 'Compute 17 * 24 + 51 - 3, then divide by 4 and explain each step of the arithmetic.';

/** Greetings the small model gets right; multi-step arithmetic only the large model does. */
function labelledTraffic(): LabelledExample[] {
  const names = ['Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kit'];
  const examples: LabelledExample[] = [];
  for (let i = 0; i < 60; i++) {
    const hard = i % 2 === 0;
    const prompt = hard
      ? `Compute ${i + 3} * ${i + 11} + ${i * 7} - ${i % 9}, then divide by ${(i % 5) + 2} and explain each step.`
      : `Say hello to my friend ${names[i % names.length] ?? 'Al'} number ${i}.`;
    examples.push({ id: `t${i}`, prompt, weak: hard ? 0 : 1, strong: 1 });
  }
  return examples;
}

let dir: string;
let scorer: LearnedScorer;
let cloud: FakeUpstream;
let local: FakeUpstream;
let h: Harness;
// Exactly one half: the 60 calibration scores are two tight clusters of 30 (greetings, arithmetic), so the
// median falls in the gap between them, while any other share puts the threshold inside one cluster, where
// a prompt unlike the training templates may land on either side. Trained for another share (0.4), so
// `llm_share` has to recalibrate.
const LLM_SHARE = 0.5;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-learned-'));
  const artifact = trainRouterArtifact({ examples: labelledTraffic(), name: 'traffic', llmShare: 0.4 });
  await writeScorerArtifact(join(dir, 'scorer.json'), artifact);
  // What the gateway loads: the file (its weights are rounded), not the in-memory artifact.
  scorer = await loadLearnedScorer(join(dir, 'scorer.json'));
  cloud = await startEchoUpstream();
  local = await startEchoUpstream();
  const config = twoModelConfig(cloud.url, local.url);
  h = await startGateway({
    ...config,
    routes: {
      'tandem/auto': {
        models: ['small', 'large'],
        router: { type: 'learned', artifact: join(dir, 'scorer.json'), llm_share: LLM_SHARE, small: 'small', large: 'large' },
      },
    },
  });
});

after(async () => {
  await h.close();
  await cloud.close();
  await local.close();
  await rm(dir, { recursive: true, force: true });
});

describe('learned router in the gateway', () => {
  test('an easy prompt goes to the small model and a hard one to the large, with score and threshold in headers', async () => {
    const threshold = scorer.thresholdFor(LLM_SHARE);
    assert.notEqual(threshold, scorer.defaultThreshold, 'llm_share must recalibrate, not reuse the trained default');
    for (const [prompt, expected] of [
      [EASY, 'small'],
      [HARD, 'large'],
    ] as const) {
      const { data, response } = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: prompt }] }).withResponse();
      assert.equal(response.headers.get('x-tandem-model'), expected, prompt);
      assert.equal(data.choices[0]?.message.content, `echo: ${prompt}`);
      const score = Number(response.headers.get('x-tandem-route-score'));
      assert.ok(Math.abs(score - scorer.scoreText(prompt)) < 1e-3, `header score ${score}`);
      assert.ok(Math.abs(Number(response.headers.get('x-tandem-route-threshold')) - threshold) < 1e-3);
      assert.match(response.headers.get('x-tandem-route-reason') ?? '', /learned:traffic score \d\.\d{3} (>=|<) \d\.\d{3}/);
      const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
      assert.ok(row && Math.abs((row.score ?? -1) - score) < 1e-3 && row.threshold !== null);
    }
    assert.equal(local.requests.length, 1);
    assert.equal(cloud.requests.length, 1);
  });

  test('POST /v1/route explains the decision with the same score and threshold, calling no model', async () => {
    const before = local.requests.length + cloud.requests.length;
    const res = await request(`${h.url}/v1/route`, {
      method: 'POST',
      body: JSON.stringify({ model: 'tandem/auto', messages: [{ role: 'user', content: HARD }] }),
    });
    assert.equal(res.statusCode, 200);
    const body = (await res.body.json()) as { chosen: string; router: { type: string; score: number; threshold: number } };
    assert.equal(body.chosen, 'large');
    assert.equal(body.router.type, 'learned');
    assert.ok(Math.abs(body.router.score - scorer.scoreText(HARD)) < 1e-9);
    assert.ok(Math.abs(body.router.threshold - scorer.thresholdFor(LLM_SHARE)) < 1e-9);
    assert.ok(body.router.score >= body.router.threshold);
    assert.equal(local.requests.length + cloud.requests.length, before);
  });

  test('a missing artifact fails at start-up with its path', async () => {
    const config = twoModelConfig(cloud.url, local.url);
    const missing = join(dir, 'nope.json');
    await assert.rejects(
      startGateway({
        ...config,
        routes: { 'tandem/auto': { models: ['small', 'large'], router: { type: 'learned', artifact: missing, small: 'small', large: 'large' } } },
      }),
      (e: Error) => e.message.includes(missing),
    );
  });
});
