import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { PACKAGE_ROOT } from '../config/builtin-config.js';
import { loadConfig, parseConfigText } from '../config/load-config.js';
import { startFakeUpstream, type FakeUpstream } from '../providers/testing/fake-upstream.js';
import { DEFAULT_ROUTER_ARTIFACT_PATH } from '../quality/default-router-path.js';
import { registerInitCommand, starterConfig, type InitCommandDeps, type LocalServerProbe } from './init-command.js';

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function runInit(args: string[], deps: Omit<InitCommandDeps, 'stdout' | 'stderr'>): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const program = new Command('tandem').exitOverride();
  registerInitCommand(program, { ...deps, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['init', ...args], { from: 'user' });
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = previous;
  }
}

/** A port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('tandem init', () => {
  let dir: string;
  let ollama: FakeUpstream;
  let hanging: Server;
  let probes: LocalServerProbe[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-init-'));
    ollama = await startFakeUpstream({
      '/v1/models': {
        body: {
          object: 'list',
          data: [
            { id: 'nomic-embed-text:latest', object: 'model' },
            { id: 'llama3.2:3b', object: 'model' },
            { id: 'qwen2.5:7b', object: 'model' },
          ],
        },
      },
      // Ollama's answer for llama3.2:3b (https://docs.ollama.com/api/show), trimmed: it calls tools, reads no images.
      '/api/show': {
        body: {
          details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
          model_info: { 'general.architecture': 'llama', 'llama.context_length': 131_072 },
          capabilities: ['completion', 'tools'],
        },
      },
    });
    // Accepts the connection and never answers: the probe must give up on its own.
    hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    probes = [
      { id: 'ollama', label: 'Ollama', port: Number(new URL(ollama.url).port) },
      { id: 'vllm', label: 'vLLM', port: await closedPort() },
      { id: 'lm-studio', label: 'LM Studio', port: (hanging.address() as AddressInfo).port },
    ];
  });

  after(async () => {
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
    await ollama.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('finds a local server and an API key, writes a config naming them that loads, and never writes the key', async () => {
    const file = join(dir, 'found.yaml');
    // Finishing at all proves the hanging server was abandoned; the timeout is generous so a loaded machine
    // still lets the live server answer in time.
    const run = await runInit(['--file', file], { env: { OPENAI_API_KEY: 'sk-very-secret' }, probes, probeTimeoutMs: 3_000 });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(
      ollama.requests.map((r) => `${r.method} ${r.path}`),
      ['GET /v1/models', 'POST /api/show'],
    );
    assert.deepEqual(ollama.requests[1]?.json, { model: 'llama3.2:3b' });
    assert.match(run.stdout, /Ollama at http:\/\/127\.0\.0\.1:\d+\/v1: using llama3\.2:3b \(of 3 models\)/);
    assert.match(run.stdout, /capabilities detected from Ollama \/api\/show: tools, json, vision: no, embeddings: no, context 131072/);
    assert.match(run.stdout, /OPENAI_API_KEY: set/);

    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes('sk-very-secret'), 'the API key itself must never be written');
    assert.match(text, /api_key: \$\{OPENAI_API_KEY\}/);
    assert.match(text, /"llama3\.2:3b":/);
    assert.ok(!/^ {2}"?nomic-embed-text/m.test(text), 'an embedding model is not picked as the chat model');
    assert.match(text, /It also serves: nomic-embed-text:latest, qwen2\.5:7b/);
    assert.match(text, /^# yaml-language-server: \$schema=.*tandem\.schema\.json$/m);

    // Loads without the key too: the cloud model is then reported unavailable, not a start-up failure.
    const { config, warnings } = await loadConfig(file, { env: {} });
    const local = config.models['llama3.2:3b'];
    assert.ok(local?.provider === 'openai-compatible');
    // Detected, and written down: the capability policy sends it tool calls and JSON, not images.
    assert.deepEqual([local.capabilities.tools, local.capabilities.json, local.capabilities.vision], [true, true, false]);
    assert.match(text, /capabilities: \{ tools: true, json: true, vision: false \} {3}# detected from Ollama \/api\/show/);
    assert.equal(local.base_url, `${ollama.url}/v1`);
    assert.equal(local.locality, 'local');
    assert.equal(config.models['gpt-4.1']?.locality, 'cloud');
    const route = config.routes['tandem/auto'];
    assert.deepEqual(route?.models, ['llama3.2:3b', 'gpt-4.1']);
    // The zero-shot router shipped in the package, found relative to the config (loadConfig warns when a file is missing).
    assert.deepEqual(route?.router, {
      type: 'learned',
      artifact: relative(dirname(file), join(PACKAGE_ROOT, DEFAULT_ROUTER_ARTIFACT_PATH)).split(sep).join('/'),
      llm_share: 0.3,
      hold: 'online',
      small: 'llama3.2:3b',
      large: 'gpt-4.1',
    });
    assert.deepEqual(
      route?.policies.map((p) => p.type),
      ['privacy', 'context-fit', 'capability'],
    );
    // The only warning is the unset key; the built-in model file is found relative to the config.
    assert.deepEqual(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /OPENAI_API_KEY is not set/);
  });

  test('with nothing found, the file uses the built-in model alone and still loads without warnings', async () => {
    const file = join(dir, 'nothing', 'tandem.yaml');
    const run = await runInit(['--file', file], { env: {}, probes: probes.slice(1), probeTimeoutMs: 200 });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stdout, /built-in demo model only/);
    const { config, warnings } = await loadConfig(file, { env: {} });
    assert.deepEqual(warnings, []);
    assert.deepEqual(Object.keys(config.models), ['stories-260k']);
    assert.equal(config.models['stories-260k']?.provider, 'embedded');
    assert.deepEqual(config.routes['tandem/auto']?.router, { type: 'fixed', model: 'stories-260k' });
  });

  test('--probe host:port (repeatable) finds servers off the usual ports; a malformed one is refused', async () => {
    const file = join(dir, 'probed.yaml');
    const other = await startFakeUpstream({ '/v1/models': { body: { object: 'list', data: [{ id: 'phi-4-mini', object: 'model' }] } } });
    try {
      const args = ['--file', file, '--probe', `127.0.0.1:${new URL(ollama.url).port}`, '--probe', `localhost:${new URL(other.url).port}`];
      const run = await runInit(args, { env: {}, probes: [], probeTimeoutMs: 3_000 });
      assert.equal(run.exitCode, 0, run.stderr);
      assert.match(run.stdout, /server at localhost:\d+ at http:\/\/localhost:\d+\/v1: using phi-4-mini/);
      const { config } = await loadConfig(file, { env: {} });
      assert.deepEqual(config.routes['tandem/auto']?.models, ['llama3.2:3b', 'phi-4-mini']);
      const phi = config.models['phi-4-mini'];
      assert.equal(phi?.provider === 'openai-compatible' && phi.base_url, `http://localhost:${new URL(other.url).port}/v1`);
    } finally {
      await other.close();
    }
    const bad = await runInit(['--file', join(dir, 'bad-probe.yaml'), '--probe', 'gpu-box:http'], { env: {}, probes: [] });
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /--probe "gpu-box:http": expected host:port/);
  });

  test('refuses to overwrite an existing file unless --force', async () => {
    const file = join(dir, 'existing.yaml');
    await writeFile(file, '# mine\n');
    const refused = await runInit(['--file', file], { env: {}, probes: [] });
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /already exists; run `tandem init --force`/);
    assert.equal(await readFile(file, 'utf8'), '# mine\n');

    const forced = await runInit(['--file', file, '--force'], { env: {}, probes: [] });
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.match(await readFile(file, 'utf8'), /^models:$/m);
  });

  test('writes ./tandem.yaml in the working directory by default', async () => {
    const cwd = join(dir, 'cwd');
    const run = await runInit([], { env: {}, probes: [], cwd });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.ok(existsSync(join(cwd, 'tandem.yaml')));
  });
});

describe('starterConfig', () => {
  const server = (id: string, port: number, models: string[]) => ({ id, label: id, port, baseUrl: `http://127.0.0.1:${port}/v1`, models });

  test('both cloud keys, llama.cpp file-path ids and clashing names still give a valid config', () => {
    const text = starterConfig({
      openaiKey: true,
      anthropicKey: true,
      servers: [
        server('llama-cpp', 8080, ['/models/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf']),
        server('vllm', 8000, ['Qwen2.5-1.5B-Instruct-Q4_K_M']),
        server('lm-studio', 1234, []),
      ],
    });
    const { config, warnings } = parseConfigText(text, { env: { OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b' } });
    assert.deepEqual(warnings, []);
    const names = Object.keys(config.models);
    assert.deepEqual(names, ['Qwen2.5-1.5B-Instruct-Q4_K_M', 'Qwen2.5-1.5B-Instruct-Q4_K_M@vllm', 'gpt-4.1', 'claude-sonnet-4-5', 'stories-260k']);
    const first = config.models['Qwen2.5-1.5B-Instruct-Q4_K_M'];
    assert.equal(first?.provider === 'openai-compatible' && first.model, '/models/Qwen2.5-1.5B-Instruct-Q4_K_M.gguf');
    assert.equal(config.models['claude-sonnet-4-5']?.provider, 'anthropic');
    // llama.cpp keeps its 8080: Tandem's default port is one no model server uses.
    assert.equal(config.server.port, 8421);
    assert.match(text, /lm-studio answers at .* but lists no models/);
    // The demo model is defined but not routed to when a real local model exists.
    assert.ok(!config.routes['tandem/auto']?.models.includes('stories-260k'));
  });

  test("llama.cpp's detected slot context and tools are written down; a server that said nothing gets capabilities: auto", () => {
    const text = starterConfig({
      openaiKey: false,
      anthropicKey: false,
      servers: [
        {
          ...server('llama-cpp', 8080, ['/models/qwen.gguf']),
          capabilities: { source: 'llama.cpp /props', json: true, tools: true, vision: false, contextWindow: 16_384 },
        },
        server('vllm', 8000, ['Qwen/Qwen2.5-7B-Instruct']),
      ],
    });
    const { config } = parseConfigText(text, { env: {} });
    const cpp = config.models.qwen;
    assert.equal(cpp?.context_window, 16_384);
    assert.deepEqual([cpp?.capabilities.tools, cpp?.capabilities.json, cpp?.capabilities.vision, cpp?.capabilities.auto], [true, true, false, undefined]);
    assert.equal(config.models['Qwen/Qwen2.5-7B-Instruct']?.capabilities.auto, true);
  });

  test("a model server found on Tandem's default port (a --probe): the gateway moves to the next port and says why", () => {
    const text = starterConfig({ openaiKey: false, anthropicKey: false, servers: [server('custom', 8421, ['qwen2.5:1.5b'])] });
    const { config } = parseConfigText(text, { env: {} });
    assert.equal(config.server.port, 8422);
    assert.match(text, /port: 8422 +# not 8421: a local model server is using it/);
  });

  test('a cloud key and no local server: the learned default router from the built-in model to the cloud model', () => {
    const { config } = parseConfigText(starterConfig({ openaiKey: false, anthropicKey: true, servers: [] }), { env: {} });
    assert.deepEqual(config.routes['tandem/auto']?.models, ['stories-260k', 'claude-sonnet-4-5']);
    const router = config.routes['tandem/auto']?.router;
    assert.ok(router?.type === 'learned');
    assert.equal(router.artifact, DEFAULT_ROUTER_ARTIFACT_PATH);
    assert.equal(router.small, 'stories-260k');
    assert.equal(router.large, 'claude-sonnet-4-5');
    assert.equal(config.routes['tandem/auto']?.baseline_model, 'claude-sonnet-4-5');
  });
});
