import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCascadeVerifier } from '../quality/cascade-verifier.js';
import { loadLearnedScorer } from '../quality/learned-scorer.js';
import { seededRandom } from '../quality/eval/routing-metrics.js';
import { runTrainRouterCommand } from './train-router-command.js';

const quiet = { stdout: () => {}, stderr: () => {} };
const WORDS = ['add', 'carry', 'halve', 'double', 'subtract', 'multiply', 'round', 'square', 'divide', 'negate'];

/** Prompts of 1-10 steps; the small model copes with few steps, less often as they grow. */
function graded(n: number, seed: number): Array<{ prompt: string; steps: number; small: number }> {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const steps = 1 + Math.floor(rand() * 10);
    const ops = Array.from({ length: steps }, (_, k) => `${WORDS[(i + k) % WORDS.length] ?? 'add'} ${Math.floor(rand() * 90) + 10}`);
    return { prompt: `Start from ${i}, then ${ops.join(', then ')}.`, steps, small: rand() < 1 - steps / 10 ? 1 : 0 };
  });
}

async function dataset(dir: string): Promise<string> {
  const path = join(dir, 'graded.jsonl');
  const rows = graded(300, 7).map((r) =>
    JSON.stringify({ prompt: r.prompt, scores: { small: r.small, large: 1 }, responses: { small: r.small ? `#### ${r.steps}` : 'maybe, not sure' } }),
  );
  await writeFile(path, `${rows.join('\n')}\n`);
  return path;
}

describe('tandem train-router', () => {
  test('--llm-share 0.3 calibrates the threshold so about 30% of fresh traffic goes to the large model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-train-share-'));
    const out: string[] = [];
    const path = join(dir, 'scorer.json');
    await runTrainRouterCommand(
      { dataset: await dataset(dir), out: path, kind: 'router', llmShare: 0.3, maxTrain: 1500, seed: 1 },
      { ...quiet, stdout: (s) => out.push(s) },
    );
    assert.match(out.join('\n'), /trained a prompt-router on 300 of 300 prompts[\s\S]*sends ~30% to the large model[\s\S]*wrote /);
    const scorer = await loadLearnedScorer(path);
    const fresh = graded(400, 99);
    const share = fresh.filter((r) => scorer.scoreText(r.prompt) >= scorer.defaultThreshold).length / fresh.length;
    assert.ok(Math.abs(share - 0.3) < 0.1, `share sent to the large model ${share}`);
    // And the router learned the right direction: long prompts score higher than short ones.
    const mean = (rows: typeof fresh): number => rows.reduce((s, r) => s + scorer.scoreText(r.prompt), 0) / rows.length;
    assert.ok(mean(fresh.filter((r) => r.steps >= 8)) > mean(fresh.filter((r) => r.steps <= 3)));
  });

  test('--max-train caps the training sample and --kind verifier writes a cascade verifier', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-train-verifier-'));
    const path = join(dir, 'verifier.json');
    const artifact = await runTrainRouterCommand(
      { dataset: await dataset(dir), out: path, kind: 'verifier', llmShare: 0.2, maxTrain: 120, seed: 3, name: 'mine' },
      quiet,
    );
    assert.equal(artifact.kind, 'cascade-verifier');
    assert.equal(artifact.training.examples, 120);
    const verifier = await createCascadeVerifier(path);
    assert.equal(verifier.name, 'verifier:mine');
    assert.ok(
      verifier.scoreAnswer({ prompt: 'Start from 1, then add 12.', answer: '#### 1' }) >
        verifier.scoreAnswer({ prompt: 'Start from 1, then add 12.', answer: 'maybe, not sure' }),
    );
  });

  test('an unknown --kind is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-train-kind-'));
    await assert.rejects(
      runTrainRouterCommand({ dataset: await dataset(dir), out: join(dir, 'x.json'), kind: 'nope' as 'router', llmShare: 0.3, maxTrain: 10, seed: 1 }, quiet),
      /--kind must be router or verifier/,
    );
  });
});
