/**
 * The `tandem` command. Each subcommand lives in its own file and registers itself here.
 * Failures print one clear line on stderr and exit non-zero.
 */
import { Command } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import type { CliDeps } from './cli-deps.js';
import { registerInitCommand } from './init-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerLogsCommand } from './logs-command.js';
import { registerRouteCommand } from './route-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerStatsCommand } from './stats-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerAuditCommand } from './audit-command.js';
import { registerPurgeCommand } from './purge-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerReportCommand } from './report-command.js';
import { registerEvalCommand } from './eval-command.js';
import { registerTrainRouterCommand } from './train-router-command.js';

const deps: CliDeps = {
  loadConfig: (path) => loadConfig(path),
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

const program = new Command('tandem')
  .description('An OpenAI-compatible gateway that routes each request to a small local model or a large cloud model.')
  .showHelpAfterError();

registerServeCommand(program);
registerInitCommand(program, deps);
registerValidateCommand(program, deps);
registerRouteCommand(program);
registerLogsCommand(program, deps);
registerStatsCommand(program, deps);
registerKeysCommand(program, deps);
registerAuditCommand(program, deps);
registerPurgeCommand(program, deps);
registerMigrateCommand(program, deps);
registerReportCommand(program, deps);
registerEvalCommand(program);
registerTrainRouterCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.format()}\n`);
  else process.stderr.write(`tandem: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
