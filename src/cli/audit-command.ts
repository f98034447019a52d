/**
 * `tandem audit verify|anchor|export`: check the audit hash chains (and that every logged request has a
 * record), write their tips somewhere outside the database, or write the records out as JSON lines.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { anchorOf, parseAuditAnchor, type AuditAnchor } from '../governance/audit-anchor.js';
import { chainMatches } from '../governance/audit-chain-id.js';
import { verifyAudit, type AuditVerification } from '../governance/audit-verify.js';
import type { AuditLog } from '../store/audit-log.js';
import { CommandFailure, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { openGovernedStore } from './keys-command-store.js';
import { parseTimeBound } from './stats-command.js';

interface VerifyOptions {
  config?: string;
  replica?: string;
  since?: number;
  until?: number;
  anchor?: string;
  json?: boolean;
}

interface AnchorOptions {
  config?: string;
  out?: string;
  url?: string;
  json?: boolean;
}

export function registerAuditCommand(program: Command, deps: CliDeps): void {
  const audit = program.command('audit').description('verify, anchor or export the tamper-evident audit log');
  const action =
    <T>(name: string, run: (deps: CliDeps, options: T) => Promise<void>) =>
    async (options: T): Promise<void> => {
      try {
        await run(deps, options);
      } catch (error) {
        reportCommandFailure(deps, name, error);
      }
    };
  audit
    .command('verify')
    .description('check every chain, and that every logged request has an audit record; exits 1 on a broken chain, a missing record or an anchor mismatch')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--replica <id>', 'only the chains of this replica name (or this exact chain id); skips the completeness check')
    .option('--since <when>', 'check completeness only for requests since: a duration back (24h, 7d) or an ISO date', (v) => parseTimeBound(v))
    .option('--until <when>', 'check completeness only for requests before this time', (v) => parseTimeBound(v))
    .option('--anchor <file>', 'an anchor written by `tandem audit anchor`: detect rewritten, truncated or deleted chains')
    .option('--json', 'print JSON')
    .action(action('audit verify', runVerify));
  audit
    .command('anchor')
    .description('verify the chains, then write the tip of every chain (seq, hash, time) to a file or URL kept outside the database')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--out <file>', 'write the anchor to this file (replaced atomically)')
    .option('--url <url>', "POST the anchor as JSON to this URL (an append-only store outside the database's reach)")
    .option('--json', 'also print the anchor')
    .action(action('audit anchor', runAnchor));
  audit
    .command('export')
    .description('write audit records as JSON lines (one record per line, hashes included, so they can be re-verified elsewhere)')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--since <when>', 'only records written since: a duration back (24h, 7d) or an ISO date', (v) => parseTimeBound(v))
    .option('--replica <id>', 'only the chains of this replica name (or this exact chain id)')
    .option('--format <format>', 'output format (only jsonl)', parseFormat, 'jsonl')
    .action(action('audit export', runExport));
}

async function chainsOf(log: AuditLog, only: string | undefined): Promise<string[]> {
  const chains = await log.replicas();
  if (only === undefined) return chains;
  const matching = chains.filter((id) => chainMatches(id, only));
  if (matching.length === 0) throw new CommandFailure(`no audit chain of replica "${only}"; chains: ${chains.join(', ') || '(none)'}`);
  return matching;
}

function readAnchor(path: string): AuditAnchor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CommandFailure(`cannot read the anchor ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseAuditAnchor(text, path);
  } catch (error) {
    throw new CommandFailure(error instanceof Error ? error.message : String(error));
  }
}

async function runVerify(deps: CliDeps, options: VerifyOptions): Promise<void> {
  const anchor = options.anchor === undefined ? undefined : readAnchor(options.anchor);
  const { store, config } = await openGovernedStore(options.config);
  let result: AuditVerification;
  try {
    result = await verifyAudit({
      store,
      ...(options.replica === undefined ? {} : { chains: await chainsOf(store.audit, options.replica) }),
      completeness: config.audit.enabled,
      ...(options.since === undefined ? {} : { since: options.since }),
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(anchor === undefined ? {} : { anchor }),
    });
  } finally {
    await store.close();
  }
  if (options.json) deps.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else deps.stdout(describeVerification(result));
  if (!result.ok) process.exitCode = 1;
}

export function describeVerification(result: AuditVerification): string {
  const lines: string[] = [];
  if (result.chains.length === 0) lines.push('no audit records yet');
  for (const r of result.chains) {
    lines.push(
      r.broken === undefined
        ? `chain ${r.replicaId}: ${r.records} records (#${r.firstSeq}..#${r.lastSeq}) intact; tip hash ${r.tipHash}`
        : `chain ${r.replicaId}: BROKEN at record #${r.broken.seq}: ${r.broken.reason}`,
    );
  }
  const c = result.completeness;
  if (c === null) lines.push(`completeness: not checked (${result.completenessSkipped ?? 'skipped'})`);
  else {
    const range = `${new Date(c.since).toISOString()} .. ${new Date(c.until).toISOString()}`;
    lines.push(
      c.missing === 0
        ? `completeness: all ${c.requests} logged requests in ${range} have an audit record`
        : `completeness: ${c.missing} of ${c.requests} logged requests in ${range} have NO audit record; first: ${c.missingIds.join(', ')}`,
    );
  }
  const a = result.anchor;
  if (a !== null) {
    lines.push(`anchor of ${a.createdAt}: ${a.ok ? 'every anchored chain matches' : 'MISMATCH'}`);
    for (const check of a.chains)
      lines.push(`  chain ${check.chain} #${check.seq}: ${check.status === 'ok' ? 'ok' : check.status.toUpperCase()}: ${check.detail}`);
    if (a.unanchored.length > 0) lines.push(`  not in the anchor (started after it): ${a.unanchored.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

async function runAnchor(deps: CliDeps, options: AnchorOptions): Promise<void> {
  if (options.out === undefined && options.url === undefined) throw new CommandFailure('say where the anchor goes: --out <file> and/or --url <url>');
  const { store } = await openGovernedStore(options.config);
  let result: AuditVerification;
  try {
    // Links only: anchoring is about the chains, and a missing record elsewhere must not stop the tips being kept.
    result = await verifyAudit({ store, completeness: false });
  } finally {
    await store.close();
  }
  const broken = result.chains.filter((c) => c.broken !== undefined);
  if (broken.length > 0) {
    // Anchoring a broken chain would vouch for whatever broke it.
    throw new CommandFailure(
      `not anchoring: ${broken.map((c) => `chain ${c.replicaId} is broken at #${c.broken?.seq}`).join('; ')}; run \`tandem audit verify\``,
    );
  }
  const anchor = anchorOf(result.chains, Date.now());
  const text = `${JSON.stringify(anchor, null, 2)}\n`;
  if (options.out !== undefined) {
    const temporary = `${options.out}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, options.out);
  }
  if (options.url !== undefined) {
    let response: Response;
    try {
      response = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new CommandFailure(`POST ${options.url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new CommandFailure(`POST ${options.url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
  if (options.json) deps.stdout(text);
  else {
    const where = [options.out, options.url].filter((w) => w !== undefined).join(' and ');
    deps.stdout(`anchored ${anchor.chains.length} chains (${anchor.chains.reduce((n, c) => n + c.records, 0)} records) at ${anchor.createdAt} to ${where}\n`);
  }
}

async function runExport(deps: CliDeps, options: { config?: string; since?: number; replica?: string }): Promise<void> {
  const { store } = await openGovernedStore(options.config);
  try {
    for (const replicaId of await chainsOf(store.audit, options.replica)) {
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
