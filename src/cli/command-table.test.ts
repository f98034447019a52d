/** The command table main.ts lists from matches what each command's module registers, and the CLI answers --version and --help from it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { commandNamed, COMMANDS, packageVersion } from './command-table.js';

const deps: CliDeps = { loadConfig: () => Promise.reject(new Error('unused')), stdout: () => undefined, stderr: () => undefined };
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

test('each entry registers a command of its name with its description, and every registered command has an entry', async () => {
  const registered = new Map<string, string>();
  for (const entry of COMMANDS) {
    const program = new Command('tandem');
    await entry.register(program, deps);
    for (const command of program.commands) registered.set(command.name(), command.description());
    assert.equal(registered.get(entry.name), entry.description, entry.name);
  }
  assert.deepEqual([...registered.keys()].sort(), COMMANDS.map((c) => c.name).sort());
});

test('the command a command line names', () => {
  assert.equal(commandNamed(['keys', 'create', '--name', 'x'])?.name, 'keys');
  assert.equal(commandNamed(['help', 'logs'])?.name, 'logs');
  assert.equal(commandNamed(['--version']), undefined);
  assert.equal(commandNamed(['serv']), undefined);
});

test('tandem --version prints package.json\'s version; --help lists every command; a typo gets "did you mean"', { timeout: 60_000 }, async () => {
  const run = promisify(execFile);
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  assert.equal(await packageVersion(), version);
  const printed = await run(process.execPath, ['--import', TSX, MAIN, '--version']);
  assert.equal(printed.stdout.trim(), version);
  const help = await run(process.execPath, ['--import', TSX, MAIN, '--help']);
  for (const entry of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${entry.name}\\b`, 'm'));
  const typo = await run(process.execPath, ['--import', TSX, MAIN, 'serv']).then(
    () => assert.fail('a typo must fail'),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /unknown command 'serv'.*\n.*Did you mean serve\?/s);
});
