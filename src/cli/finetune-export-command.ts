/**
 * `tandem export finetune`: a route's teacher conversations from the request log as JSONL for fine-tuning
 * a small model (lifecycle/finetune-export.ts, docs/lifecycle.md#fine-tune-export). Pseudonymised by
 * default; `--raw` needs the admin key (`--admin-key` or TANDEM_ADMIN_KEY, checked against server.admin_key).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { InvalidArgumentError, type Command } from 'commander';
import { openStore } from '../store/open-store.js';
import { emptySummary, exportFinetune, type FinetuneFormat } from '../lifecycle/finetune-export.js';
import { CommandFailure, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { parseTimeBound } from './stats-command.js';

interface FinetuneExportCommandOptions {
  config: string;
  route: string;
  format: FinetuneFormat;
  since?: number;
  minScore?: number;
  out?: string;
  raw?: boolean;
  adminKey?: string;
}

export const EXPORT_DESCRIPTION = 'export training data from the request log (finetune: teacher conversations as JSONL)';

function format(value: string): FinetuneFormat {
  if (value !== 'openai' && value !== 'sharegpt') throw new InvalidArgumentError('expected openai or sharegpt.');
  return value;
}

function score(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a score from 0 to 1, e.g. 0.7.');
  return n;
}

export function registerExportCommand(program: Command, deps: CliDeps): void {
  const exportCommand = program.command('export').description(EXPORT_DESCRIPTION);
  exportCommand
    .command('finetune')
    .description("a route's teacher conversations as JSONL for LoRA fine-tuning (pseudonymised unless --raw)")
    .requiredOption('--route <name>', 'the route whose conversations to export')
    .option('--format <format>', 'openai ({"messages": [...]}) or sharegpt ({"conversations": [...]})', format, 'openai' as FinetuneFormat)
    .option('--since <when>', 'only requests since: a duration back from now (24h, 7d) or an ISO date', (v) => parseTimeBound(v))
    .option('--min-score <score>', 'only requests whose latest feedback scored at least this (unrated ones are left out)', score)
    .option('--out <file>', 'write here instead of stdout')
    .option('--raw', 'keep personal data as logged (needs the admin key)')
    .option('--admin-key <key>', 'the admin key (server.admin_key) for --raw; default: TANDEM_ADMIN_KEY')
    .option('-c, --config <file>', 'config file', 'tandem.yaml')
    .action(async (options: FinetuneExportCommandOptions) => {
      try {
        await runFinetuneExport(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'export finetune', error);
      }
    });
}

function checkAdminKey(expected: string | undefined, given: string | undefined): void {
  if (expected === undefined) throw new CommandFailure('--raw needs the admin key, and this config sets no server.admin_key');
  if (given === undefined || given === '') throw new CommandFailure('--raw needs the admin key: pass --admin-key or set TANDEM_ADMIN_KEY');
  const hash = (s: string): Buffer => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(hash(expected), hash(given))) throw new CommandFailure('--raw: the admin key is wrong');
}

export async function runFinetuneExport(deps: CliDeps, options: FinetuneExportCommandOptions): Promise<void> {
  const { config, baseDir } = await deps.loadConfig(options.config);
  if (!config.routes[options.route]) {
    throw new CommandFailure(`route "${options.route}" is not in ${options.config} (routes: ${Object.keys(config.routes).join(', ') || 'none'})`);
  }
  if (options.raw) checkAdminKey(config.server.admin_key, options.adminKey ?? process.env.TANDEM_ADMIN_KEY);
  if (config.store.type === 'memory') throw new CommandFailure('the config sets `store: {type: memory}`: there is no request log to export from');
  const store = await openStore(config.store, baseDir);
  const summary = emptySummary();
  const out = options.out === undefined ? null : createWriteStream(options.out);
  try {
    const lines = exportFinetune(
      {
        store,
        config,
        route: options.route,
        format: options.format,
        raw: options.raw === true,
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.minScore !== undefined ? { minScore: options.minScore } : {}),
      },
      summary,
    );
    for await (const line of lines) {
      if (out === null) deps.stdout(`${line}\n`);
      else if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
  } finally {
    if (out !== null) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await store.close();
  }
  const left = Object.entries(summary.skipped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`);
  deps.stderr(
    `exported ${summary.exported} of ${summary.scanned} requests of ${options.route} (teacher: ${summary.teachers.join(', ') || 'none'})` +
      `${left.length > 0 ? `; left out: ${left.join(', ')}` : ''}` +
      `${summary.corrected > 0 ? `; ${summary.corrected} answers replaced by feedback labels` : ''}` +
      `; ${options.raw ? 'raw (not pseudonymised)' : `${summary.pseudonymised} values pseudonymised`}` +
      `${options.out !== undefined ? `; wrote ${options.out}` : ''}\n`,
  );
}
