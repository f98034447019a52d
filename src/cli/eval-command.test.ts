import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEvalCommand } from './eval-command.js';
import { runTrainRouterCommand } from './train-router-command.js';

/** A generic-format dataset where the small model fails on long arithmetic prompts. */
async function writeDataset(dir: string): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const hard = i % 3 === 0;
    const prompt = hard ? `Compute ${i} * ${i + 7} + ${i * 3} - ${i % 5}, then divide by ${(i % 4) + 2} and explain each step.` : `Say hello to friend ${i}.`;
    const small = hard ? 'It is probably around 100, however' : `Hello friend ${i}!`;
    lines.push(JSON.stringify({ prompt, scores: { small: hard ? 0 : 1, large: 1 }, responses: { small } }));
  }
  const path = join(dir, 'traffic.jsonl');
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

describe('tandem eval / train-router on the generic format', () => {
  test('prints a table beside random and oracle and writes JSON and a standalone HTML report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-eval-'));
    const dataset = await writeDataset(dir);
    const out: string[] = [];
    const report = await runEvalCommand(
      { dataset, router: ['learned', 'cascade-builtin'], out: join(dir, 'out'), protocol: 'cv', repeats: 1, maxTrain: 1500, seed: 1, progress: false },
      { stdout: (s) => out.push(s), stderr: () => {} },
    );
    const table = out.join('\n');
    for (const name of ['learned', 'cascade-builtin', 'random', 'oracle', 'APGR', 'CPT(50%)']) assert.ok(table.includes(name), `missing ${name}`);
    const learned = report.methods.find((m) => m.name === 'learned');
    assert.ok(learned && learned.mean.apgr > 0.7, `learned APGR ${learned?.mean.apgr}`);
    const json = JSON.parse(await readFile(join(dir, 'out', 'eval-traffic.json'), 'utf8')) as { methods: unknown[] };
    assert.equal(json.methods.length, 4);
    const html = await readFile(join(dir, 'out', 'eval-traffic.html'), 'utf8');
    assert.ok(html.includes('<svg'));
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'the report must not load anything');
  });

  test('train-router writes an artifact that eval --artifact scores without retraining', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-train-'));
    const dataset = await writeDataset(dir);
    const artifactPath = join(dir, 'scorer.json');
    const artifact = await runTrainRouterCommand(
      { dataset, out: artifactPath, kind: 'router', llmShare: 0.3, maxTrain: 1500, seed: 1 },
      { stdout: () => {}, stderr: () => {} },
    );
    assert.equal(artifact.calibration.llmShare, 0.3);
    const report = await runEvalCommand(
      { dataset, router: ['learned'], artifact: artifactPath, out: join(dir, 'out'), protocol: 'auto', repeats: 5, maxTrain: 1500, seed: 1, progress: false },
      { stdout: () => {}, stderr: () => {} },
    );
    assert.match(report.protocol, /no training/);
    assert.equal(report.methods[0]?.name, 'learned:traffic');
  });
});
