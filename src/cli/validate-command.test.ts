import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { registerValidateCommand } from './validate-command.js';

async function runValidate(args: string[], env: Record<string, string | undefined> = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('tandem').exitOverride();
  registerValidateCommand(program, {
    loadConfig: (path) => loadConfig(path, { env }),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['validate', ...args], { from: 'user' });
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = previous;
  }
}

describe('tandem validate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-validate-'));
    await writeFile(
      join(dir, 'good.yaml'),
      `models:
  local: { provider: openai-compatible, base_url: "http://127.0.0.1:11434/v1", locality: local }
  gpt: { provider: openai-compatible, base_url: "https://api.openai.com/v1", api_key: "\${OPENAI_API_KEY}", locality: cloud }
routes:
  tandem/auto: { models: [local, gpt], router: { type: scored, small: local, large: gpt } }
`,
    );
    await writeFile(
      join(dir, 'bad.yaml'),
      `servr: {}
models:
  local: { provider: openai-compatible, base_url: "http://127.0.0.1:11434/v1", locality: local }
routes:
  tandem/auto: { models: [local], router: { type: fixed, model: locl } }
`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a valid file prints the counts and the warnings, exit status 0', async () => {
    const run = await runValidate([join(dir, 'good.yaml')]);
    assert.equal(run.exitCode, 0);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'ok: 2 models, 1 route');
    assert.match(lines[1] ?? '', /^warning: models\.gpt\.api_key: environment variable OPENAI_API_KEY is not set/);
    assert.equal(lines.length, 2);
  });

  test('capabilities: auto: says what a fake Ollama detected, and warns for a server that did not answer', async () => {
    const { startFakeUpstream } = await import('../providers/testing/fake-upstream.js');
    const ollama = await startFakeUpstream({
      '/api/show': {
        body: { model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32_768 }, capabilities: ['completion', 'tools', 'vision'] },
      },
    });
    try {
      const file = join(dir, 'auto.yaml');
      await writeFile(
        file,
        `models:
  qwen: { provider: openai-compatible, base_url: "${ollama.url}/v1", model: "qwen2.5vl:7b", locality: local, capabilities: auto }
  gone: { provider: openai-compatible, base_url: "http://127.0.0.1:9/v1", locality: local, capabilities: auto }
`,
      );
      const run = await runValidate([file]);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.deepEqual(run.stdout.trimEnd().split('\n'), [
        'ok: 2 models, 0 routes',
        'models.qwen.capabilities: detected from Ollama /api/show: tools, json, vision, embeddings: no, context 32768',
        'warning: models.gone.capabilities: auto, but http://127.0.0.1:9/v1 did not say what the model supports; using the declared values',
      ]);
    } finally {
      await ollama.close();
    }
  });

  test('with the key set there are no warnings', async () => {
    const run = await runValidate([join(dir, 'good.yaml')], { OPENAI_API_KEY: 'sk-test' });
    assert.equal(run.stdout, 'ok: 2 models, 1 route\n');
  });

  test('an invalid file prints one line per problem on stderr, exit status 1', async () => {
    const file = join(dir, 'bad.yaml');
    const run = await runValidate([file]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stdout, '');
    // Schema errors come first: the reference phase runs only on a config that fits the schema.
    assert.equal(run.stderr, `${file}: servr: unknown key (did you mean "server"?)\n`);
  });

  test('reference errors are reported once the schema passes', async () => {
    const file = join(dir, 'refs.yaml');
    await writeFile(
      file,
      `models:\n  local: { provider: embedded, path: x.gguf, locality: local }\nroutes:\n  r: { models: [local], router: { type: fixed, model: locl } }\n`,
    );
    const run = await runValidate([file]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stderr, `${file}: routes.r.router.model: unknown model "locl"; it must be one of the names under models: (did you mean "local"?)\n`);
  });

  test('defaults to ./tandem.yaml and says how to create it when missing', async () => {
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const run = await runValidate([]);
      assert.equal(run.exitCode, 1);
      assert.match(run.stderr, /^tandem\.yaml: file not found .*run `tandem init`/);
    } finally {
      process.chdir(previous);
    }
  });
});
