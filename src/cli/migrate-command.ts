/**
 * `tandem migrate`: applies the store's pending migrations and says what it did, as a step of its own
 * (a Kubernetes initContainer or Job, a deploy script) rather than inside a server's start-up probe window.
 * Servers started with `store.migrate: wait` then wait for it instead of migrating (docs/deployment.md).
 * Exit status: 0 when the schema is up to date afterwards, 1 when a migration failed or the store cannot be reached.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { applyPendingMigrations, schemaStatus } from '../store/migrations/prepare-schema.js';
import { openMigrationDb } from '../store/migrations/open-migration-db.js';
import { CommandFailure, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { loadSetup } from './open-gateway.js';

interface MigrateOptions {
  config?: string;
  status?: boolean;
  json?: boolean;
  lockTimeout: number;
}

/** How long retries on lock timeouts go on before the run fails. */
const LOCK_RETRY_WINDOW_MS = 10 * 60_000;
const LOCK_RETRY_DELAY_MS = 1_000;

export function registerMigrateCommand(program: Command, deps: CliDeps): void {
  program
    .command('migrate')
    .description("apply the store's pending schema migrations, one at a time, and print each with its duration")
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--status', 'only list applied and pending migrations')
    .option('--json', 'print JSON')
    .option(
      '--lock-timeout <ms>',
      'PostgreSQL: a migration that waits longer than this for a table lock steps back and retries (for up to 10 minutes) instead of queueing every writer of that table behind it; 0 waits for ever',
      parseNonNegativeInt,
      5_000,
    )
    .action(async (options: MigrateOptions) => {
      try {
        await runMigrate(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'migrate', error);
      }
    });
}

async function runMigrate(deps: CliDeps, options: MigrateOptions): Promise<void> {
  const setup = await loadSetup(options.config);
  let target: Awaited<ReturnType<typeof openMigrationDb>>;
  try {
    target = await openMigrationDb(setup.config.store, setup.baseDir, { lockTimeoutMs: options.lockTimeout });
  } catch (error) {
    throw new CommandFailure(`cannot open the store: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (target === null) {
    deps.stdout(options.json ? `${JSON.stringify({ store: 'memory', applied: [], pending: [] })}\n` : 'the memory store has no schema to migrate\n');
    return;
  }
  const schema = target.schema === undefined ? {} : { schema: target.schema };
  try {
    const before = await schemaStatus(target.db, schema);
    if (options.status) {
      if (options.json) deps.stdout(`${JSON.stringify({ store: target.where, ...before }, null, 2)}\n`);
      else {
        deps.stdout(`${target.where}: ${before.applied.length} migrations applied${before.applied.length > 0 ? ` (last ${before.applied.at(-1)})` : ''}\n`);
        deps.stdout(before.pending.length === 0 ? 'nothing pending\n' : `pending: ${before.pending.join(', ')}\n`);
      }
      return;
    }
    const applied: Array<{ name: string; seconds: number }> = [];
    const attempts = options.lockTimeout === 0 ? 0 : Math.ceil(LOCK_RETRY_WINDOW_MS / (options.lockTimeout + LOCK_RETRY_DELAY_MS));
    await target.exclusive(() =>
      applyPendingMigrations(target.db, {
        ...schema,
        onApplied: (name, ms) => {
          applied.push({ name, seconds: Math.round(ms / 100) / 10 });
          if (!options.json) deps.stdout(`applied ${name} in ${(ms / 1_000).toFixed(1)} s\n`);
        },
        lockRetries: {
          attempts,
          delayMs: LOCK_RETRY_DELAY_MS,
          onRetry: (name, attempt) =>
            deps.stderr(
              `tandem migrate: ${name} waited ${options.lockTimeout} ms for a lock held by another session; rolled back, retrying (${attempt}/${attempts})\n`,
            ),
        },
      }),
    );
    const after = await schemaStatus(target.db, schema);
    if (options.json) deps.stdout(`${JSON.stringify({ store: target.where, applied, pending: after.pending }, null, 2)}\n`);
    else {
      deps.stdout(
        applied.length === 0
          ? `${target.where}: up to date, nothing to do (${after.applied.length} migrations applied)\n`
          : `${target.where}: up to date (${after.applied.length} migrations applied, ${applied.length} now)\n`,
      );
    }
  } catch (error) {
    if (error instanceof CommandFailure) throw error;
    throw new CommandFailure(`${target.where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await target.close();
  }
}

function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of milliseconds, 0 or more.');
  return n;
}
