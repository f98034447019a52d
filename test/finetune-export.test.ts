/**
 * `tandem export finetune` end to end (docs/lifecycle.md#fine-tune-export), on SQLite and PostgreSQL:
 * requests with personal data go through a real gateway over HTTP (official `openai` client, fake cloud
 * upstream echoing them back), get rated, and the export of the log is checked: no seeded value appears
 * in the pseudonymised JSONL, feedback filters rows, `--raw` needs the admin key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import type { CliDeps } from '../src/cli/cli-deps.js';
import { registerExportCommand } from '../src/cli/finetune-export-command.js';
import type { TandemConfigInput } from '../src/config/schema.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-0123456789abcdef';
const ROUTE = 'support/chat';
/** Values the export must never contain unless --raw. */
const PII = ['jane.doe@example.com', '+1 415-555-0134', 'DE89 3704 0044 0532 0130 00', '4111 1111 1111 1111', 'Jane'];
const SEEDED = `Hi, I am Jane Doe, email jane.doe@example.com, phone +1 415-555-0134. Refund to IBAN DE89 3704 0044 0532 0130 00, not card 4111 1111 1111 1111.`;

const pgSkip = await postgresSkipReason();
const schemas = testSchemas();
const dir = mkdtempSync(join(tmpdir(), 'tandem-export-'));
after(async () => {
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
});

async function runExport(
  h: Harness,
  args: string[],
  env: { adminKey?: string } = {},
): Promise<{ stdout: string; stderr: string; exitCode: typeof process.exitCode }> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = {
    loadConfig: async () => ({ config: h.gateway.config, baseDir: dir }),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerExportCommand(program, deps);
  const saved = process.env.TANDEM_ADMIN_KEY;
  if (env.adminKey !== undefined) process.env.TANDEM_ADMIN_KEY = env.adminKey;
  else delete process.env.TANDEM_ADMIN_KEY;
  try {
    await program.parseAsync(['export', 'finetune', '--route', ROUTE, ...args], { from: 'user' });
  } finally {
    if (saved === undefined) delete process.env.TANDEM_ADMIN_KEY;
    else process.env.TANDEM_ADMIN_KEY = saved;
  }
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

const lines = (out: string): Array<Record<string, unknown>> =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function suite(name: string, store: TandemConfigInput['store'], skip: string | false): void {
  describe(`fine-tune export (${name})`, { skip }, () => {
    let up: FakeUpstream;
    let h: Harness;
    const ids: Record<string, string> = {};

    before(async () => {
      up = await startEchoUpstream();
      const base = twoModelConfig(up.url, up.url);
      h = await startGateway({
        ...base,
        ...(store === undefined ? {} : { store }),
        server: { admin_key: ADMIN_KEY },
        routes: { ...base.routes, [ROUTE]: { models: ['large'] } },
      });
      const ask = async (content: string, model = ROUTE, system?: string): Promise<string> => {
        const messages =
          system === undefined
            ? [{ role: 'user' as const, content }]
            : [
                { role: 'system' as const, content: system },
                { role: 'user' as const, content },
              ];
        const completion = await h.client.chat.completions.create({ model, messages });
        return completion._request_id as string;
      };
      ids.pii = await ask(SEEDED, ROUTE, 'You are a helpful support agent.');
      ids.good = await ask('How do I reset my password?');
      ids.bad = await ask('What is the capital of France?');
      ids.low = await ask('Tell me a joke');
      ids.small = await ask('hello', 'small');
      const rate = (body: Record<string, unknown>) => h.client.post('/feedback', { body });
      await rate({ request_id: ids.pii, score: 0.9 });
      await rate({ request_id: ids.good, score: 0.8 });
      await rate({ request_id: ids.bad, score: 0.9 });
      await rate({ request_id: ids.bad, correct: false });
      await rate({ request_id: ids.low, score: 0.2 });
    });
    after(async () => {
      await h?.close();
      await up?.close();
    });

    test('the default export is pseudonymised: no seeded value appears, placeholders do, consistently across turns', async () => {
      const { stdout, stderr, exitCode } = await runExport(h, []);
      assert.equal(exitCode, undefined, stderr);
      for (const value of PII) assert.equal(stdout.includes(value), false, `${value} leaked into the export`);
      const rows = lines(stdout);
      // pii, good, low (rated 0.2 but not wrong); bad is correct:false; `small` is not on the route.
      assert.equal(rows.length, 3);
      const pii = rows.find((r) => JSON.stringify(r).includes('<EMAIL_1>')) as { messages: Array<{ role: string; content: string }> };
      assert.ok(pii, stdout);
      assert.deepEqual(
        pii.messages.map((m) => m.role),
        ['system', 'user', 'assistant'],
      );
      const [, user, assistant] = pii.messages;
      // The echo answer repeats the user's text: the same placeholders in both turns.
      assert.equal(assistant?.content, `echo: ${user?.content}`);
      for (const placeholder of ['<EMAIL_1>', '<PHONE_1>', '<IBAN_1>', '<CARD_1>']) assert.ok(user?.content.includes(placeholder), placeholder);
      assert.match(stderr, /exported 3 of 4 requests of support\/chat \(teacher: large\); left out: 1 feedback: not correct; \d+ values pseudonymised/);
    });

    test('--min-score keeps rated requests scoring at least that; sharegpt format; --out writes a file', async () => {
      const out = join(dir, `${name}.jsonl`);
      const { exitCode, stderr } = await runExport(h, ['--min-score', '0.5', '--format', 'sharegpt', '--out', out]);
      assert.equal(exitCode, undefined, stderr);
      const rows = lines(readFileSync(out, 'utf8'));
      assert.equal(rows.length, 2);
      for (const row of rows) {
        const conversations = row.conversations as Array<{ from: string; value: string }>;
        assert.equal(conversations.at(-1)?.from, 'gpt');
        assert.ok(conversations.some((c) => c.from === 'human'));
      }
      const text = JSON.stringify(rows);
      assert.ok(text.includes('reset my password'));
      assert.equal(text.includes('joke'), false);
      for (const value of PII) assert.equal(text.includes(value), false);
      assert.match(stderr, /1 feedback: below min score/);
    });

    test('--raw needs the admin key; with it the text is as logged', async () => {
      const without = await runExport(h, ['--raw']);
      assert.equal(without.exitCode, 1);
      assert.match(without.stderr, /--raw needs the admin key/);
      assert.equal(without.stdout, '');
      const wrong = await runExport(h, ['--raw', '--admin-key', 'nope']);
      assert.equal(wrong.exitCode, 1);
      assert.match(wrong.stderr, /admin key is wrong/);
      const raw = await runExport(h, ['--raw'], { adminKey: ADMIN_KEY });
      assert.equal(raw.exitCode, undefined, raw.stderr);
      assert.ok(raw.stdout.includes('jane.doe@example.com'));
    });

    test('bad arguments and unknown routes fail with a message', async () => {
      await assert.rejects(runExport(h, ['--format', 'alpaca']), { code: 'commander.invalidArgument' });
      await assert.rejects(runExport(h, ['--min-score', '2']), { code: 'commander.invalidArgument' });
      let stderr = '';
      const deps: CliDeps = { loadConfig: async () => ({ config: h.gateway.config, baseDir: dir }), stdout: () => undefined, stderr: (s) => (stderr += s) };
      const program = new Command('tandem').exitOverride();
      registerExportCommand(program, deps);
      await program.parseAsync(['export', 'finetune', '--route', 'nope'], { from: 'user' });
      assert.equal(process.exitCode, 1);
      process.exitCode = undefined;
      assert.match(stderr, /route "nope" is not in tandem.yaml/);
    });
  });
}

suite('sqlite', undefined, false);
suite('postgres', { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create() }, pgSkip);
