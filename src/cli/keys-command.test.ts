/** `tandem keys create --scope`, and the default scope from --routes and --models, against a real SQLite file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { registerKeysCommand } from './keys-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-keys-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'tandem.yaml');
writeFileSync(
  config,
  'store: { type: sqlite, path: tandem.db }\nmodels:\n  small: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", model: m, locality: local }\n',
);

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const deps: CliDeps = { loadConfig: () => Promise.reject(new Error('unused')), stdout: (s) => (out += s), stderr: (s) => (err += s) };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: (s) => (err += s) });
  registerKeysCommand(program, deps);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'tandem', 'keys', ...args]);
  } catch {
    process.exitCode = 1; // commander's own refusal (exitOverride)
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

test('--routes without --models makes a routes-only key; --models or --scope all keeps direct model names', async () => {
  const routesOnly = await run(['create', '--config', config, '--name', 'sec', '--routes', 'sec/a']);
  assert.equal(routesOnly.code, 0, routesOnly.err);
  // The first key of a loopback gateway with no server.auth: the command says that authentication is now on.
  assert.match(routesOnly.out, /authentication is now ON: this was the first key/);
  assert.match(routesOnly.out, /scope: routes only \(sec\/a\); models named directly are refused/);
  const scopeOf = async (args: string[]): Promise<string> => {
    const created = await run(['create', '--config', config, '--json', ...args]);
    assert.equal(created.code, 0, created.err);
    return (JSON.parse(created.out) as { key: { scope: string } }).key.scope;
  };
  assert.equal(await scopeOf(['--name', 'a', '--routes', 'sec/a', '--models', 'large']), 'all');
  assert.equal(await scopeOf(['--name', 'b', '--routes', 'sec/a', '--scope', 'all']), 'all');
  assert.equal(await scopeOf(['--name', 'c', '--models', 'large', '--scope', 'routes']), 'routes');
  assert.equal(await scopeOf(['--name', 'd']), 'all');
  const second = await run(['create', '--config', config, '--name', 'e']);
  assert.match(second.out, /authentication was already on/);
  const table = await run(['list', '--config', config]);
  assert.match(table.out, /sec .* active +routes +sec\/a/);
  const bad = await run(['create', '--config', config, '--name', 'x', '--scope', 'models']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /expected `routes` or `all`/);
});
