/**
 * `tandem purge`: retention. Deletes request-log rows and audit records older than store.retention_days
 * (or --older-than); each audit chain gets a checkpoint first, so it still verifies afterwards.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { purgeAuditChain } from '../governance/audit-chain.js';
import { CommandFailure, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { openGovernedStore } from './keys-command-store.js';

const DAY_MS = 86_400_000;

export function registerPurgeCommand(program: Command, deps: CliDeps): void {
  program
    .command('purge')
    .description('delete request-log rows and audit records older than store.retention_days (the audit chain stays verifiable)')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--older-than <days>', 'overrides store.retention_days', parseDays)
    .option('--json', 'print JSON')
    .action(async (options: { config?: string; olderThan?: number; json?: boolean }) => {
      try {
        await runPurge(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'purge', error);
      }
    });
}

async function runPurge(deps: CliDeps, options: { config?: string; olderThan?: number; json?: boolean }): Promise<void> {
  const { store, config } = await openGovernedStore(options.config);
  try {
    const days = options.olderThan ?? config.store.retention_days;
    if (days === undefined) throw new CommandFailure('nothing to do: set store.retention_days in tandem.yaml or pass --older-than <days>');
    const now = Date.now();
    const before = now - days * DAY_MS;
    const requests = await store.requestLog.deleteBefore(before);
    // The child rows of flows go with their parents (docs/flows.md).
    await store.flowSteps?.deleteBefore(before);
    // Feedback recorded before the cut-off goes too (docs/lifecycle.md#feedback).
    await store.feedback.deleteBefore(before);
    const audit: Array<{ replica: string; deleted: number; checkpointSeq: number | null }> = [];
    // Every replica's chain in the store, not only this one's: one purge covers a shared PostgreSQL store.
    for (const replicaId of await store.audit.replicas()) {
      const result = await purgeAuditChain({ log: store.audit, replicaId, before });
      audit.push({ replica: replicaId, deleted: result.deleted, checkpointSeq: result.checkpoint?.seq ?? null });
    }
    const summary = { before: new Date(before).toISOString(), requests, audit };
    if (options.json) {
      deps.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    deps.stdout(`deleted ${requests} request-log rows older than ${summary.before}\n`);
    for (const a of audit) {
      deps.stdout(
        a.deleted === 0
          ? `audit chain ${a.replica}: nothing older\n`
          : `audit chain ${a.replica}: deleted ${a.deleted} records behind checkpoint #${a.checkpointSeq}\n`,
      );
    }
  } finally {
    await store.close();
  }
}

function parseDays(value: string): number {
  const n = Number(value.replace(/d$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of days, e.g. 90 or 90d.');
  return n;
}
