/**
 * The zero-shot default router end to end: the artifact shipped in models/ (what `tandem init` writes) loaded
 * by a real gateway over HTTP, called with the official OpenAI client: a greeting stays on the small model,
 * a multi-step word problem goes to the large one, and the score in the headers is the artifact's own.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/config/builtin-config.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { DEFAULT_ROUTER_ARTIFACT_PATH } from '../src/quality/default-router-path.js';
import { loadLearnedScorer, type LearnedScorer } from '../src/quality/learned-scorer.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const EASY = 'hi, how are you?';
const HARD =
  'A bakery sells muffins for $3 each and cookies for $1.25 each. On Monday it sold 48 muffins and twice as many ' +
  'cookies as muffins. On Tuesday it sold 15% fewer muffins and 30 more cookies than on Monday. The bakery pays ' +
  '$0.80 per muffin and $0.35 per cookie in ingredients, plus $120 per day in wages. How much profit did it make ' +
  'over the two days? Show each step of the calculation.';

let scorer: LearnedScorer;
let cloud: FakeUpstream;
let local: FakeUpstream;
let h: Harness;

before(async () => {
  scorer = await loadLearnedScorer(join(PACKAGE_ROOT, DEFAULT_ROUTER_ARTIFACT_PATH));
  cloud = await startEchoUpstream();
  local = await startEchoUpstream();
  h = await startGateway({
    ...twoModelConfig(cloud.url, local.url),
    routes: {
      'tandem/auto': {
        models: ['small', 'large'],
        router: { type: 'learned', artifact: join(PACKAGE_ROOT, DEFAULT_ROUTER_ARTIFACT_PATH), llm_share: 0.5, small: 'small', large: 'large' },
      },
    },
  });
});

after(async () => {
  await h.close();
  await cloud.close();
  await local.close();
});

describe('the shipped zero-shot router in the gateway', () => {
  test('a greeting goes to the small model and a multi-step word problem to the large one', async () => {
    for (const [prompt, expected] of [
      [EASY, 'small'],
      [HARD, 'large'],
    ] as const) {
      const { response } = await h.client.chat.completions.create({ model: 'tandem/auto', messages: [{ role: 'user', content: prompt }] }).withResponse();
      assert.equal(response.headers.get('x-tandem-model'), expected, prompt);
      const score = Number(response.headers.get('x-tandem-route-score'));
      assert.ok(Math.abs(score - scorer.scoreText(prompt)) < 1e-3, `header score ${score}`);
      assert.match(response.headers.get('x-tandem-route-reason') ?? '', /learned:tandem-default score/);
    }
    assert.equal(local.requests.length, 1);
    assert.equal(cloud.requests.length, 1);
  });
});
