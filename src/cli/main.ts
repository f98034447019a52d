/**
 * The `tandem` command. Each subcommand lives in its own file and registers itself here.
 * Failures print one clear line on stderr and exit non-zero.
 */
import { Command } from 'commander';
import { ConfigError } from '../config/config-error.js';
import type { CliDeps } from './cli-deps.js';
import { commandNamed, COMMANDS, packageVersion } from './command-table.js';

const deps: CliDeps = {
  // Loaded when a command first reads a config: `tandem --version` and `--help` never need it.
  loadConfig: async (path) => (await import('../config/load-config.js')).loadConfig(path),
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

const program = new Command('tandem')
  .description('An OpenAI-compatible gateway that routes each request to a small local model or a large cloud model.')
  .version(await packageVersion(), '-v, --version', 'print the version')
  .showHelpAfterError();

// Only the named command's module is loaded; without one (`tandem`, `--help`, a typo) every command is
// listed from the table, so help and "did you mean" work without loading any of them.
const named = commandNamed(process.argv.slice(2));
if (named) await named.register(program, deps);
else for (const entry of COMMANDS) program.command(entry.name).description(entry.description);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.format()}\n`);
  else process.stderr.write(`tandem: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
