/** `tandem audit verify|export`: check the audit hash chains, or write the records out as JSON lines. */
import { InvalidArgumentError, type Command } from 'commander';
import { verifyAuditChain, type ChainReport } from '../governance/audit-chain.js';
import type { AuditLog } from '../store/audit-log.js';
import { CommandFailure, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { openGovernedStore } from './keys-command-store.js';
import { parseTimeBound } from './stats-command.js';

export function registerAuditCommand(program: Command, deps: CliDeps): void {
  const audit = program.command('audit').description('verify or export the tamper-evident audit log');
  audit
    .command('verify')
    .description('check every replica\'s hash chain; exits 1 and names the first broken record if one fails')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--replica <id>', 'only this replica\'s chain')
    .option('--json', 'print JSON')
    .action(async (options: { config?: string; replica?: string; json?: boolean }) => {
      try {
        await runVerify(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'audit verify', error);
      }
    });
  audit
    .command('export')
    .description('write audit records as JSON lines (one record per line, hashes included, so they can be re-verified elsewhere)')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--since <when>', 'only records written since: a duration back (24h, 7d) or an ISO date', (v) => parseTimeBound(v))
    .option('--replica <id>', 'only this replica\'s chain')
    .option('--format <format>', 'output format (only jsonl)', parseFormat, 'jsonl')
    .action(async (options: { config?: string; since?: number; replica?: string }) => {
      try {
        await runExport(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'audit export', error);
      }
    });
}

async function replicasOf(log: AuditLog, only: string | undefined): Promise<string[]> {
  const replicas = await log.replicas();
  if (only === undefined) return replicas;
  if (!replicas.includes(only)) throw new CommandFailure(`no audit records for replica "${only}"; replicas: ${replicas.join(', ') || '(none)'}`);
  return [only];
}

async function runVerify(deps: CliDeps, options: { config?: string; replica?: string; json?: boolean }): Promise<void> {
  const { store } = await openGovernedStore(options.config);
  let reports: ChainReport[];
  try {
    const replicas = await replicasOf(store.audit, options.replica);
    reports = [];
    for (const replicaId of replicas) reports.push(await verifyAuditChain({ log: store.audit, replicaId }));
  } finally {
    await store.close();
  }
  const ok = reports.every((r) => r.broken === undefined);
  if (options.json) deps.stdout(`${JSON.stringify({ ok, chains: reports }, null, 2)}\n`);
  else if (reports.length === 0) deps.stdout('no audit records yet\n');
  else {
    for (const r of reports) {
      deps.stdout(
        r.broken === undefined
          ? `replica ${r.replicaId}: ${r.records} records (#${r.firstSeq}..#${r.lastSeq}) intact; tip hash ${r.tipHash}\n`
          : `replica ${r.replicaId}: BROKEN at record #${r.broken.seq}: ${r.broken.reason}\n`,
      );
    }
  }
  if (!ok) process.exitCode = 1;
}

async function runExport(deps: CliDeps, options: { config?: string; since?: number; replica?: string }): Promise<void> {
  const { store } = await openGovernedStore(options.config);
  try {
    for (const replicaId of await replicasOf(store.audit, options.replica)) {
      let afterSeq = 0;
      for (;;) {
        const page = await store.audit.read({ replicaId, afterSeq, limit: 1_000 });
        if (page.length === 0) break;
        const lines = page.filter((r) => options.since === undefined || r.recordedAt >= options.since).map((r) => JSON.stringify(r));
        if (lines.length > 0) deps.stdout(`${lines.join('\n')}\n`);
        afterSeq = page[page.length - 1]?.seq ?? afterSeq;
      }
    }
  } finally {
    await store.close();
  }
}

function parseFormat(value: string): string {
  if (value !== 'jsonl') throw new InvalidArgumentError('the only format is jsonl.');
  return value;
}
