import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { csvCell } from '../quality/datasets/parse-csv.js';
import { runEvalCommand } from './eval-command.js';
import { runTrainRouterCommand } from './train-router-command.js';

const run = promisify(execFile);
const quiet = { stdout: () => {}, stderr: () => {} };

interface Row {
  prompt: string;
  small: number;
  large: number;
  response: string;
}

/** Traffic where the small model fails on long arithmetic prompts and handles greetings. */
function traffic(): Row[] {
  return Array.from({ length: 60 }, (_, i) => {
    const hard = i % 3 === 0;
    return {
      prompt: hard ? `Compute ${i} * ${i + 7} + ${i * 3} - ${i % 5}, then divide by ${(i % 4) + 2} and explain each step.` : `Say hello to friend ${i}.`,
      small: hard ? 0 : 1,
      large: 1,
      response: hard ? 'It is probably around 100, however' : `Hello friend ${i}!`,
    };
  });
}

async function writeJsonl(dir: string): Promise<string> {
  const path = join(dir, 'traffic.jsonl');
  const lines = traffic().map((r) => JSON.stringify({ prompt: r.prompt, scores: { small: r.small, large: r.large }, responses: { small: r.response } }));
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** The same traffic as CSV, with per-prompt costs (the cost curves use them instead of price estimates). */
async function writeCsv(dir: string): Promise<string> {
  const path = join(dir, 'priced.csv');
  const header = 'prompt,score:small,score:large,response:small,cost:small,cost:large';
  const lines = traffic().map((r) => [r.prompt, r.small, r.large, r.response, 0.0001, 0.01].map(csvCell).join(','));
  await writeFile(path, `${header}\n${lines.join('\n')}\n`);
  return path;
}

describe('tandem eval on the generic format', () => {
  test('prints a table beside random and oracle and writes JSON and a standalone HTML report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-eval-'));
    const dataset = await writeJsonl(dir);
    const out: string[] = [];
    const report = await runEvalCommand(
      { dataset, router: ['learned', 'cascade-builtin'], out: join(dir, 'out'), protocol: 'cv', repeats: 1, maxTrain: 1500, seed: 1, progress: false },
      { stdout: (s) => out.push(s), stderr: () => {} },
    );
    const table = out.join('\n');
    for (const name of ['learned', 'cascade-builtin', 'random', 'random (exact)', 'oracle', 'APGR', 'CPT(50%)', 'APGR 95% CI', 'p vs random']) {
      assert.ok(table.includes(name), `missing ${name}`);
    }
    const learned = report.methods.find((m) => m.name === 'learned');
    assert.ok(learned && learned.mean.apgr > 0.7, `learned APGR ${learned?.mean.apgr}`);
    const json = JSON.parse(await readFile(join(dir, 'out', 'eval-traffic.json'), 'utf8')) as { methods: unknown[] };
    assert.equal(json.methods.length, 5);
    // A router that clearly beats random gets a small p-value; the exact random row is the expectation itself.
    assert.ok(learned?.uncertainty && learned.uncertainty.pVsRandom < 0.01, `p ${learned?.uncertainty?.pVsRandom}`);
    const exact = report.methods.find((m) => m.name === 'random (exact)');
    assert.ok(exact && Math.abs(exact.mean.apgr - 0.5) < 1e-9 && Math.abs(exact.mean.cpt50 - 50) < 1e-9);
    const html = await readFile(join(dir, 'out', 'eval-traffic.html'), 'utf8');
    assert.ok(html.includes('<svg'));
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'the report must not load anything');
  });

  test('a CSV with per-prompt costs gets a cost curve priced from those costs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-eval-csv-'));
    const report = await runEvalCommand(
      { dataset: await writeCsv(dir), router: ['learned'], out: dir, protocol: 'cv', repeats: 1, maxTrain: 1500, seed: 1, progress: false },
      quiet,
    );
    // The learned router's curve runs from everything on the small model to everything on the large one.
    const curve = report.methods.find((m) => m.name === 'learned')?.curve ?? [];
    assert.ok(Math.abs((curve[0]?.cost ?? 0) - 0.0001) < 1e-12, `all-small cost ${curve[0]?.cost}`);
    assert.ok(Math.abs((curve.at(-1)?.cost ?? 0) - 0.01) < 1e-12, `all-large cost ${curve.at(-1)?.cost}`);
    const html = await readFile(join(dir, 'eval-priced.html'), 'utf8');
    assert.match(html, /Quality vs cost per 1,000 prompts/);
  });

  test('the progress bar goes to stderr only on a terminal or with --progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-eval-progress-'));
    const dataset = await writeJsonl(dir);
    const options = { dataset, router: ['length'], out: dir, protocol: 'cv' as const, repeats: 2, maxTrain: 1500, seed: 1 };
    const written = (isTTY: boolean): { lines: string[]; stream: { isTTY: boolean; write: (s: string) => boolean } } => {
      const lines: string[] = [];
      return { lines, stream: { isTTY, write: (s) => lines.push(s) > 0 } };
    };
    const piped = written(false);
    await runEvalCommand(options, { ...quiet, progress: piped.stream });
    assert.deepEqual(piped.lines, [], 'nothing when stderr is not a terminal');
    const asked = written(false);
    await runEvalCommand({ ...options, progress: true }, { ...quiet, progress: asked.stream });
    assert.match(asked.lines.at(-1) ?? '', /\[#+\] 2\/2 done/);
    const terminal = written(true);
    await runEvalCommand(options, { ...quiet, progress: terminal.stream });
    assert.ok(terminal.lines.length > 0 && terminal.lines.every((l) => l.startsWith('\r')), 'redrawn in place');
  });

  test('a router that needs responses, on a dataset without them, is a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-eval-bad-'));
    const path = join(dir, 'plain.jsonl');
    await writeFile(
      path,
      traffic()
        .map((r) => JSON.stringify({ prompt: r.prompt, scores: { small: r.small, large: r.large } }))
        .join('\n'),
    );
    await assert.rejects(
      runEvalCommand({ dataset: path, router: ['cascade'], out: dir, protocol: 'cv', repeats: 1, maxTrain: 1500, seed: 1, progress: false }, quiet),
      /needs the small model's responses/,
    );
  });
});

describe('tandem train-router then eval --artifact', () => {
  test('the artifact is scored as is, without retraining', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-train-'));
    const dataset = await writeJsonl(dir);
    const artifactPath = join(dir, 'scorer.json');
    const artifact = await runTrainRouterCommand({ dataset, out: artifactPath, kind: 'router', llmShare: 0.3, maxTrain: 1500, seed: 1 }, quiet);
    assert.equal(artifact.calibration.llmShare, 0.3);
    const warnings: string[] = [];
    const report = await runEvalCommand(
      { dataset, router: ['learned'], artifact: artifactPath, out: join(dir, 'out'), protocol: 'auto', repeats: 5, maxTrain: 1500, seed: 1, progress: false },
      { stdout: () => {}, stderr: (s) => warnings.push(s) },
    );
    assert.match(report.protocol, /no training/);
    assert.equal(report.methods[0]?.name, 'learned:traffic');
    // Scoring the very prompts it trained on is in-sample: eval says so, by content, under another file name too.
    assert.match(warnings.join('\n'), /learned:traffic was trained on 60 of the 60 prompts of traffic \(100\.0%, matched by content\).*optimistic/);
    const renamed = join(dir, 'renamed.jsonl');
    await writeFile(renamed, await readFile(dataset, 'utf8'));
    warnings.length = 0;
    await runEvalCommand(
      {
        dataset: renamed,
        router: ['learned'],
        artifact: artifactPath,
        out: join(dir, 'out'),
        protocol: 'auto',
        repeats: 1,
        maxTrain: 1500,
        seed: 1,
        progress: false,
      },
      { stdout: () => {}, stderr: (s) => warnings.push(s) },
    );
    assert.match(warnings.join('\n'), /trained on 60 of the 60 prompts of renamed/);
    const learned = report.methods[0];
    assert.ok(learned?.uncertainty && learned.uncertainty.apgr95[0] <= learned.mean.apgr && learned.mean.apgr <= learned.uncertainty.apgr95[1]);
  });
});

describe('the tandem binary', () => {
  const cli = ['--import', 'tsx', join(import.meta.dirname, 'main.ts')];

  test('train-router and eval run from the command line on a CSV dataset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-cli-'));
    const dataset = await writeCsv(dir);
    const trained = await run(process.execPath, [...cli, 'train-router', '--dataset', dataset, '--out', join(dir, 'v.json'), '--kind', 'verifier']);
    assert.match(trained.stdout, /trained a cascade-verifier on 60 of 60 prompts/);
    const evaluated = await run(process.execPath, [
      ...cli,
      'eval',
      '--dataset',
      dataset,
      '--router',
      'cascade',
      '--artifact',
      join(dir, 'v.json'),
      '--out',
      dir,
    ]);
    assert.match(evaluated.stdout, /oracle/);
    assert.ok(!evaluated.stderr.includes('['), 'no progress bar when stderr is a pipe');
    assert.match(evaluated.stderr, /^warning: verifier:priced was trained on prompts of priced/);
    const json = JSON.parse(await readFile(join(dir, 'eval-priced.json'), 'utf8')) as { methods: Array<{ name: string }> };
    assert.deepEqual(
      json.methods.map((m) => m.name),
      ['verifier:priced', 'random', 'random (exact)', 'oracle'],
    );
  });

  test('bad input exits 1 with one clear line', async () => {
    await assert.rejects(run(process.execPath, [...cli, 'eval', '--dataset', 'no-such-file.jsonl']), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr ?? '', /tandem eval: dataset "no-such-file.jsonl" is neither routellm-mmlu nor routellm-gsm8k nor an existing/);
      return true;
    });
  });
});
