import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/builtin-config.js';
import type { LabelledExample } from './datasets/labelled-dataset.js';
import { loadRouteLlmGsm8k, loadRouteLlmMmlu } from './datasets/routellm-dataset.js';
import { DEFAULT_ROUTER_ARTIFACT_PATH, defaultRouterTrainingOptions, withLengthBlend } from './default-router.js';
import { shuffledIndices } from './model/fit-with-inner-cv.js';
import { LearnedScorer, loadLearnedScorer } from './learned-scorer.js';
import { parseScorerArtifact, promptHash } from './scorer-artifact.js';
import { trainRouterArtifact } from './train-learned-scorer.js';

const DATA = join('..', 'shared', 'data', 'routellm');
const SHIPPED = join(PACKAGE_ROOT, DEFAULT_ROUTER_ARTIFACT_PATH);

/** Hard prompts are long math, easy ones short chat; length alone separates them only roughly. */
function examples(n: number): LabelledExample[] {
  return Array.from({ length: n }, (_, i) => {
    const hard = i % 2 === 0;
    const padding = ' and then some more words'.repeat(i % 7);
    const prompt = hard ? `Solve for x step by step: ${i}x + ${i + 3} = ${2 * i}${padding}` : `Say hello to friend number ${i}${padding}`;
    return { id: String(i), prompt, weak: hard ? 0 : 1, strong: 1 };
  });
}

describe('the zero-shot default router', () => {
  test('the shipped artifact loads, blends length, learned no prefix, and ships in the package', async () => {
    const scorer = await loadLearnedScorer(SHIPPED);
    const { artifact } = scorer;
    assert.equal(artifact.name, 'tandem-default');
    assert.equal(artifact.training.dataset, 'routellm-mmlu+routellm-gsm8k');
    assert.equal(artifact.features.commonPrefix, undefined);
    assert.ok(artifact.blend, 'the default blends the learned score with prompt length');
    assert.ok(artifact.blend.logLength.weight > 0 && artifact.blend.learned.weight > 0);
    const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    assert.ok(pkg.files.includes('models/'), 'models/ is in package.json "files"');
    assert.match(pkg.scripts['train:default-router'] ?? '', /scripts\/train-default-router\.ts/);
    const easy = scorer.scoreText('hi');
    const hard = scorer.scoreText(
      'A train leaves at 3:15 pm at 60 mph; a second leaves the same station 45 minutes later at 75 mph. ' +
        'How many miles from the station does the second train catch up, and at what time? Show each step.',
    );
    assert.ok(hard > easy, `a multi-step word problem (${hard}) scores above a greeting (${easy})`);
  });

  test('it was trained on every RouteLLM prompt, and its default threshold sends about half of them large', {
    skip: !existsSync(DATA) && 'no ../shared/data/routellm',
  }, async () => {
    const scorer = await loadLearnedScorer(SHIPPED);
    const datasets = [await loadRouteLlmMmlu(DATA), await loadRouteLlmGsm8k(DATA)];
    const all = datasets.flatMap((d) => d.examples);
    const hashes = new Set(scorer.artifact.training.promptHashes);
    assert.equal(hashes.size, new Set(all.map((e) => promptHash(e.prompt))).size);
    assert.ok(
      all.every((e) => hashes.has(promptHash(e.prompt))),
      'every prompt of the data is in the artifact (re-run `npm run train:default-router` after the data changes)',
    );
    const sample = shuffledIndices(all.length, 99)
      .slice(0, 3000)
      .map((i) => (all[i] as LabelledExample).prompt);
    const share = sample.filter((p) => scorer.scoreText(p) >= scorer.defaultThreshold).length / sample.length;
    assert.ok(Math.abs(share - scorer.artifact.calibration.llmShare) < 0.05, `share ${share}`);
  });

  test('the length blend is standardised and calibrated on held-out prompts, and validates', () => {
    const data = examples(120);
    const options = { ...defaultRouterTrainingOptions([{ name: 'synthetic', weakModel: 'w', strongModel: 's', examples: data }]), innerFolds: 2 };
    const plain = trainRouterArtifact(options);
    const blended = withLengthBlend(plain, options);
    assert.equal(plain.blend, undefined);
    assert.ok(blended.blend);
    assert.deepEqual(parseScorerArtifact(JSON.parse(JSON.stringify(blended)), 'prompt-router').blend, blended.blend);
    assert.match(blended.calibration.reference, /blended scores/);
    // Same learned part, so between two prompts the learned router scores alike, the longer one ranks higher.
    const scorer = new LearnedScorer(blended);
    const short = 'Say hello to friend number 5';
    const long = `${short}${' and then some more words'.repeat(6)}`;
    const learned = new LearnedScorer(plain);
    const learnedGap = learned.scoreText(long) - learned.scoreText(short);
    const blendGap = scorer.scoreText(long) - scorer.scoreText(short);
    assert.ok(blendGap > learnedGap, `length raises the blended score more (${blendGap}) than the learned one (${learnedGap})`);
    // The calibrated threshold sends about half of the training prompts (the calibration slice is a quarter of them).
    const share = data.filter((e) => scorer.scoreText(e.prompt) >= scorer.defaultThreshold).length / data.length;
    assert.ok(share > 0.3 && share < 0.7, `share ${share}`);
  });

  test('an artifact whose blend has a zero sd is refused with the field named', () => {
    const options = { ...defaultRouterTrainingOptions([{ name: 'synthetic', weakModel: 'w', strongModel: 's', examples: examples(60) }]), innerFolds: 2 };
    const artifact = withLengthBlend(trainRouterArtifact(options), options);
    const broken = JSON.parse(JSON.stringify(artifact)) as { blend: { logLength: { sd: number } } };
    broken.blend.logLength.sd = 0;
    assert.throws(
      () => parseScorerArtifact(broken, 'prompt-router', 'x.json'),
      /x\.json is not a valid prompt-router artifact: blend\.logLength\.sd: must be positive/,
    );
  });
});
