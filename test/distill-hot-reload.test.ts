/**
 * Issue 17's open gap, closed by the registry: a student trained and promoted by `tandem distill` (another
 * process's CLI, here the same commands in-process on their own store connection), or promoted and rolled
 * back with `tandem registry`, is served by a gateway already running on the same SQLite file within 5 s,
 * without a restart. The gateway is opened the way `tandem serve` opens it; calls go through the official
 * `openai` client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import OpenAI from 'openai';
import { startServer, type TandemServer } from '../src/api/server.js';
import type { CliDeps } from '../src/cli/cli-deps.js';
import { registerDistillCommands } from '../src/cli/distill-command.js';
import { loadSetup, openGateway } from '../src/cli/open-gateway.js';
import { registerRegistryCommand } from '../src/cli/registry-command.js';
import { loadConfig } from '../src/config/load-config.js';
import { generatedExamples, TEST_LABELS } from '../src/distill/testing-examples.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const ROUTE = 'support/intent';
const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';
const examples = generatedExamples(500, 9);
const gold = new Map(examples.map((e) => [e.input, e.label]));

const dir = mkdtempSync(join(tmpdir(), 'tandem-distill-reload-'));
const configPath = join(dir, 'tandem.yaml');
let teacher: FakeUpstream;
let server: TandemServer;
let client: OpenAI;

before(async () => {
  teacher = await startFakeUpstream({
    '/v1/chat/completions': echoResponder({ answer: (body) => `{"intent": "${gold.get(lastUser(body).slice(PREFIX.length)) ?? 'lost_card'}"}` }),
  });
  writeFileSync(
    configPath,
    [
      'store: { type: sqlite, path: tandem.db }',
      'models:',
      `  teacher: { provider: openai-compatible, base_url: "${teacher.url}/v1", model: gpt-4o, locality: cloud, capabilities: { json: true } }`,
      'routes:',
      `  ${ROUTE}:`,
      '    models: [teacher]',
      '    task:',
      `      prompt_template: ${JSON.stringify(`${PREFIX}{input}`)}`,
      `      labels: [${TEST_LABELS.join(', ')}]`,
      '      label: { from: json, field: intent }',
      '      min_examples: 100000',
      '      retrain_every: 100000',
      '      shadow_fraction: 0',
      '',
    ].join('\n'),
  );
  const store = await openSqliteStore({ path: join(dir, 'tandem.db'), logBodies: false });
  for (const [i, e] of examples.entries()) await store.taskExamples.capture({ route: ROUTE, input: e.input, label: e.label, time: i });
  await store.close();
  const gateway = await openGateway(await loadSetup(configPath));
  server = await startServer(gateway, { host: '127.0.0.1', port: 0 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await server?.close({ deadlineMs: 1_000 });
  await teacher?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tandem(...args: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = { loadConfig: (path) => loadConfig(path), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) };
  const program = new Command('tandem').exitOverride();
  registerDistillCommands(program, deps);
  registerRegistryCommand(program, deps);
  await program.parseAsync(['node', 'tandem', ...args, '--config', configPath]);
  assert.equal(process.exitCode ?? 0, 0, stderr);
  return stdout;
}

/** Who answers familiar inputs: `student:…@vN`, or the teacher. */
async function answeredBy(): Promise<string> {
  for (const e of examples.slice(0, 5)) {
    const { data, response } = await client.chat.completions
      .create({ model: ROUTE, messages: [{ role: 'user', content: `${PREFIX}${e.input}` }] })
      .withResponse();
    assert.deepEqual(JSON.parse(data.choices[0]?.message.content ?? ''), { intent: e.label });
    const model = response.headers.get('x-tandem-model') ?? '';
    if (model.startsWith('student:')) return model;
  }
  return 'teacher';
}

async function within5s(want: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = await answeredBy();
    if (got === want) return Date.now() - started;
    if (Date.now() - started > 5_000) assert.fail(`still ${got} after 5 s, wanted ${want}`);
    await sleep(50);
  }
}

test('a running gateway serves the student `tandem distill` promoted, and follows `tandem registry` promote and rollback, within 5 s', async () => {
  assert.equal(await answeredBy(), 'teacher');
  assert.match(await tandem('distill', '--route', ROUTE), /student:support\/intent@v1 promoted: running gateways on this store serve it within seconds/);
  const timings = { distilled: await within5s(`student:${ROUTE}@v1`) };
  // The same examples again: v2 does not beat v1 and stays a candidate; an operator promotes it anyway.
  assert.match(await tandem('distill', '--route', ROUTE), /@v2 not promoted/);
  assert.match(await tandem('registry', 'list', '--kind', 'task-student'), /task-student +support\/intent +v2 +candidate[\s\S]*v1 +live/);
  assert.match(await tandem('registry', 'promote', 'task-student', ROUTE, '2', '--reason', 'try v2'), /v2 is live; v1 retired/);
  Object.assign(timings, { promoted: await within5s(`student:${ROUTE}@v2`) });
  assert.match(await tandem('registry', 'rollback', 'task-student', ROUTE), /v1 is live; v2 retired/);
  Object.assign(timings, { rolledBack: await within5s(`student:${ROUTE}@v1`) });
  console.log(`CLI change -> gateway serving it (ms): ${JSON.stringify(timings)}`);
  const students = await tandem('students', 'list', '--route', ROUTE);
  assert.match(students, /support\/intent\s+v2\s+retired/);
  assert.match(students, /support\/intent\s+v1\s+active/);
});
