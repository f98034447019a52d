/**
 * `llm_share` keeps its promise on traffic whose prompts all share a long constant prefix (MMLU behind an
 * 8-question prefix of ~2.5 KB, built from ../shared/data/routellm), where a learned scorer that sees the
 * prefix has its scores crowd into a narrow band: the realised share of large-model calls is within ±5 points of the
 * target offline (the artifact's calibration on its final model's scale) and through a real gateway over HTTP for the learned
 * router (calibrated and online holds) and the `scored` router (online hold).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { withConstantPrefix } from '../src/quality/datasets/constant-prefix-dataset.js';
import type { LabelledExample } from '../src/quality/datasets/labelled-dataset.js';
import { DEFAULT_ROUTELLM_DIR } from '../src/quality/datasets/load-eval-dataset.js';
import { loadRouteLlmMmlu } from '../src/quality/datasets/routellm-dataset.js';
import { loadLearnedScorer, type LearnedScorer } from '../src/quality/learned-scorer.js';
import { shuffledIndices } from '../src/quality/model/fit-with-inner-cv.js';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const TOLERANCE = 0.05;
let dir: string;
let scorer: LearnedScorer;
let test_: LabelledExample[];
let cloud: FakeUpstream;
let local: FakeUpstream;
let h: Harness;

before(async () => {
  const dataset = withConstantPrefix(await loadRouteLlmMmlu(process.env.ROUTELLM_DIR ?? DEFAULT_ROUTELLM_DIR));
  const order = shuffledIndices(dataset.examples.length, 1);
  // 2,000 training prompts, all fitted and all calibrating (rank-mapped out-of-fold scores): the quantile's
  // sampling error (sd ~1 point at 50%) has to fit inside the ±5 points with room to spare.
  const train = order.slice(0, 2000).map((i) => dataset.examples[i] as LabelledExample);
  test_ = order.slice(2000, 6000).map((i) => dataset.examples[i] as LabelledExample);
  dir = await mkdtemp(join(tmpdir(), 'tandem-share-'));
  await writeScorerArtifact(join(dir, 'scorer.json'), trainRouterArtifact({ examples: train, name: 'prefixed', llmShare: 0.5, stripCommonPrefix: false }));
  scorer = await loadLearnedScorer(join(dir, 'scorer.json'));
  cloud = await startEchoUpstream();
  local = await startEchoUpstream();
  const learned = { type: 'learned', artifact: join(dir, 'scorer.json'), small: 'small', large: 'large' } as const;
  h = await startGateway({
    ...twoModelConfig(cloud.url, local.url),
    routes: {
      'tandem/calibrated': { models: ['small', 'large'], router: { ...learned, llm_share: 0.5 } },
      'tandem/online': { models: ['small', 'large'], router: { ...learned, llm_share: 0.2, hold: 'online' } },
      'tandem/scored': { models: ['small', 'large'], router: { type: 'scored', small: 'small', large: 'large', llm_share: 0.3 } },
    },
  });
});

after(async () => {
  await h?.close();
  await cloud?.close();
  await local?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Sends the first `n` held-out prompts to `route` over HTTP (8 at a time); returns the share answered by `large`. */
async function gatewayShare(route: string, n: number): Promise<number> {
  let large = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const e = test_[next++] as LabelledExample;
      const { response } = await h.client.chat.completions
        .create({ model: route, messages: [{ role: 'user', content: e.prompt }], max_tokens: 8 })
        .withResponse();
      const model = response.headers.get('x-tandem-model');
      assert.ok(model === 'small' || model === 'large', `x-tandem-model ${model}`);
      if (model === 'large') large++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return large / n;
}

describe('llm_share holds on prompts behind a long constant prefix', () => {
  // The artifact under test keeps the prefix in its features (stripCommonPrefix: false), the hard case for
  // calibration; the last test shows what stripping it does.
  test("offline: the artifact calibrated on its final model's scale (rank-mapped out-of-fold scores) sends the target share of unseen prompts", (t) => {
    assert.match(scorer.artifact.calibration.reference, /out-of-fold scores of all 2000 training prompts, mapped by rank onto the final model's scale/);
    const scores = test_.map((e) => scorer.scoreText(e.prompt));
    t.diagnostic(`scores span ${Math.min(...scores).toFixed(3)}-${Math.max(...scores).toFixed(3)}`);
    for (const share of [0.2, 0.5, 0.8]) {
      const threshold = scorer.thresholdFor(share);
      const got = scores.filter((s) => s >= threshold).length / scores.length;
      t.diagnostic(`offline target ${share}: realised ${got.toFixed(3)} of ${scores.length}`);
      assert.ok(Math.abs(got - share) <= TOLERANCE, `target ${share}: realised ${got.toFixed(3)} of ${scores.length}`);
    }
  });

  test('through the gateway: learned router, llm_share 0.5 from the calibrated quantiles', async (t) => {
    const got = await gatewayShare('tandem/calibrated', 1500);
    t.diagnostic(`tandem/calibrated target 0.5: realised ${got.toFixed(3)}`);
    assert.ok(Math.abs(got - 0.5) <= TOLERANCE, `realised ${got.toFixed(3)}`);
  });

  test('through the gateway: learned router, llm_share 0.2 held online', async (t) => {
    const got = await gatewayShare('tandem/online', 600);
    t.diagnostic(`tandem/online target 0.2: realised ${got.toFixed(3)}`);
    assert.ok(Math.abs(got - 0.2) <= TOLERANCE, `realised ${got.toFixed(3)}`);
  });

  test('an online hold without a share to hold stops start-up with a sentence', async () => {
    await assert.rejects(
      startGateway({
        ...twoModelConfig(cloud.url, local.url),
        routes: {
          'tandem/auto': {
            models: ['small', 'large'],
            router: { type: 'learned', artifact: join(dir, 'scorer.json'), hold: 'online', small: 'small', large: 'large' },
          },
        },
      }),
      /`hold: online` holds an `llm_share`; set `llm_share` too/,
    );
  });

  test('through the gateway: the scored (heuristic) router, llm_share 0.3 held online, where a fixed threshold of 0.5 sends all of them', async (t) => {
    const got = await gatewayShare('tandem/scored', 600);
    t.diagnostic(`tandem/scored target 0.3: realised ${got.toFixed(3)}`);
    assert.ok(Math.abs(got - 0.3) <= TOLERANCE, `realised ${got.toFixed(3)}`);
  });
});
