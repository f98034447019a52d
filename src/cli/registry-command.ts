/**
 * `tandem registry list|show|register|promote|rollback|canary|retire`: the model registry (docs/lifecycle.md) from
 * a shell. Changes go through the same service as the admin API, are audited in a chain of this process's
 * own when the audit log is on, and reach every running gateway on the same store within
 * `registry.poll_interval_ms` (1 s by default).
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { TandemConfig } from '../config/schema.js';
import type { ArtifactEntry, TrainingProvenance } from '../lifecycle/artifact-registry.js';
import { entryView, eventView } from '../lifecycle/registry-views.js';
import type { RegistryChangeResult, RegistryService } from '../lifecycle/registry-service.js';
import type { Store } from '../store/request-log.js';
import { CommandFailure, parsePositiveInt, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { formatTable } from './format-table.js';
import { openGovernedStore } from './keys-command-store.js';

interface Common {
  config?: string;
  json?: boolean;
}

interface ChangeOptions extends Common {
  reason?: string;
}

interface RegisterOptions extends ChangeOptions {
  kind: string;
  name: string;
  file: string;
  dataset?: string;
  examples?: number;
  since?: string;
  until?: string;
  metrics?: Record<string, unknown>;
  live?: boolean;
}

export function registerRegistryCommand(program: Command, deps: CliDeps): void {
  const registry = program.command('registry').description('versioned router scorers, cascade verifiers, task students and models: list, promote, roll back');
  const config = (c: Command): Command => c.option('-c, --config <file>', 'config file (default: ./tandem.yaml)').option('--json', 'print JSON');
  const run = (name: string, body: () => Promise<void>): Promise<void> =>
    body().catch((error: unknown) => reportCommandFailure(deps, `registry ${name}`, error));

  config(
    registry
      .command('list')
      .description('every registered version, newest first')
      .option('--kind <kind>', 'only this kind')
      .option('--name <name>', 'only this route or model'),
  ).action((options: Common & { kind?: string; name?: string }) => run('list', () => runList(deps, options)));
  config(registry.command('show <kind> <name>').description("one artifact's versions and the history of their status")).action(
    (kind: string, name: string, options: Common) => run('show', () => runShow(deps, kind, name, options)),
  );
  config(
    registry
      .command('register')
      .description('register a file as a new version (a candidate, or live with --live)')
      .requiredOption('--kind <kind>', 'router-scorer, cascade-verifier, task-student or model')
      .requiredOption('--name <name>', 'the route (or model) it belongs to')
      .requiredOption('--file <file>', 'the artifact')
      .option('--dataset <name>', 'what it was trained on')
      .option('--examples <n>', 'how many examples', parsePositiveInt)
      .option('--since <time>', 'start of the log window it was trained on (ISO date/time)')
      .option('--until <time>', 'end of the log window (ISO date/time)')
      .option('--metrics <json>', 'evaluation metrics as a JSON object', parseMetrics)
      .option('--live', 'make it live at once')
      .option('--reason <text>', 'why, for the history and the audit log'),
  ).action((options: RegisterOptions) => run('register', () => runRegister(deps, options)));
  config(
    registry
      .command('promote <kind> <name> <version>')
      .description('make a version live; the one live until now is retired. Running gateways switch within seconds')
      .option('--reason <text>', 'why, for the history and the audit log'),
  ).action((kind: string, name: string, version: string, options: ChangeOptions) =>
    run('promote', () => change(deps, options, (service) => service.promote({ kind, name, version }, actor(options)))),
  );
  config(
    registry
      .command('rollback <kind> <name>')
      .description('make the version live before the current one live again')
      .option('--reason <text>', 'why, for the history and the audit log'),
  ).action((kind: string, name: string, options: ChangeOptions) =>
    run('rollback', () => change(deps, options, (service) => service.rollback({ kind, name }, actor(options)))),
  );
  config(
    registry
      .command('canary <kind> <name> <version>')
      .description('mark a version as in a canary (an experiment serving it to a share of traffic); the live one stays live')
      .option('--reason <text>', 'why, for the history and the audit log'),
  ).action((kind: string, name: string, version: string, options: ChangeOptions) =>
    run('canary', () => change(deps, options, (service) => service.canary({ kind, name, version }, actor(options)))),
  );
  config(
    registry
      .command('retire <kind> <name> <version>')
      .description('take a version out of service (a live one leaves nothing live)')
      .option('--reason <text>', 'why, for the history and the audit log'),
  ).action((kind: string, name: string, version: string, options: ChangeOptions) =>
    run('retire', () => change(deps, options, (service) => service.retire({ kind, name, version }, actor(options)))),
  );
}

function parseMetrics(value: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // falls through to the refusal
  }
  throw new InvalidArgumentError('expected a JSON object, e.g. {"apgr": 0.62}.');
}

function actor(options: ChangeOptions): { actor: string; reason: string | null } {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no user name (a container without /etc/passwd entry): keep "unknown"
  }
  return { actor: `cli:${user}`, reason: options.reason ?? null };
}

async function withService<T>(options: Common, body: (service: RegistryService, store: Store, config: TandemConfig) => Promise<T>): Promise<T> {
  const [{ store, config }, { registryService }, { AuditChain }, { auditReplicaId }, { RegistryError }] = await Promise.all([
    openGovernedStore(options.config),
    import('../lifecycle/gateway-registry.js'),
    import('../governance/audit-chain.js'),
    import('../governance/governance.js'),
    import('../lifecycle/registry-service.js'),
  ]);
  try {
    const audit = config.audit.enabled ? new AuditChain({ log: store.audit, replicaId: auditReplicaId(config) }) : null;
    return await body(registryService(store, audit), store, config);
  } catch (error) {
    if (error instanceof RegistryError) throw new CommandFailure(error.message, { cause: error });
    throw error;
  } finally {
    await store.close();
  }
}

async function runList(deps: CliDeps, options: Common & { kind?: string; name?: string }): Promise<void> {
  await withService(options, async (service) => {
    const { isArtifactKind } = await import('../lifecycle/artifact-registry.js');
    if (options.kind !== undefined && !isArtifactKind(options.kind)) {
      throw new CommandFailure(`unknown kind "${options.kind}"; one of router-scorer, cascade-verifier, task-student, model`);
    }
    const entries = await service.registry.list({
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.name === undefined ? {} : { name: options.name }),
    });
    if (options.json) return deps.stdout(`${JSON.stringify(entries.map(entryView), null, 2)}\n`);
    if (entries.length === 0) return deps.stdout('nothing registered yet\n');
    deps.stdout(`${formatTable({ columns: COLUMNS, rows: entries.map((e) => COLUMNS.map((c) => c.value(e))) })}\n`);
  });
}

async function runShow(deps: CliDeps, kind: string, name: string, options: Common): Promise<void> {
  await withService(options, async (service) => {
    const { versions, events } = await service.show(kind, name);
    if (options.json) return deps.stdout(`${JSON.stringify({ versions: versions.map(entryView), events: events.map(eventView) }, null, 2)}\n`);
    const lines = [`${kind}/${name}: ${versions.length} version${versions.length === 1 ? '' : 's'}`];
    lines.push(formatTable({ columns: COLUMNS.slice(2), rows: versions.map((e) => COLUMNS.slice(2).map((c) => c.value(e))) }));
    for (const v of versions) {
      lines.push(`v${v.version} trained on ${JSON.stringify(v.provenance)}; metrics ${JSON.stringify(v.metrics)}`);
    }
    lines.push('history:');
    for (const e of events) {
      lines.push(
        `  ${iso(e.time)} v${e.version} ${e.action}: ${e.fromStatus ?? '-'} -> ${e.toStatus} by ${e.actor}${e.reason === null ? '' : ` (${e.reason})`}`,
      );
    }
    deps.stdout(`${lines.join('\n')}\n`);
  });
}

async function runRegister(deps: CliDeps, options: RegisterOptions): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    throw new CommandFailure(`cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const provenance: TrainingProvenance = { file: basename(options.file) };
  if (options.dataset !== undefined) provenance.dataset = options.dataset;
  if (options.examples !== undefined) provenance.examples = options.examples;
  for (const key of ['since', 'until'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new CommandFailure(`--${key} ${JSON.stringify(value)} is not a date/time`);
    provenance[key] = time;
  }
  await change(deps, options, (service) =>
    service.register(
      { kind: options.kind as ArtifactEntry['kind'], name: options.name, bytes, createdAt: Date.now(), provenance, metrics: options.metrics ?? {} },
      { ...actor(options), live: options.live === true },
    ),
  );
}

async function change(deps: CliDeps, options: ChangeOptions, body: (service: RegistryService) => Promise<RegistryChangeResult>): Promise<void> {
  await withService(options, async (service) => {
    const result = await body(service);
    if (options.json) {
      deps.stdout(`${JSON.stringify({ entry: entryView(result.entry), previous: result.previous ? entryView(result.previous) : null }, null, 2)}\n`);
      return;
    }
    const { entry, previous } = result;
    deps.stdout(
      `${entry.kind}/${entry.name} v${entry.version} is ${entry.status}${previous ? `; v${previous.version} retired` : ''} (sha256 ${entry.sha256.slice(0, 12)})` +
        `${entry.status === 'live' ? '\nrunning gateways on this store switch within seconds' : ''}\n`,
    );
  });
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

const COLUMNS = [
  { header: 'kind', value: (e: ArtifactEntry) => e.kind },
  { header: 'name', value: (e: ArtifactEntry) => e.name },
  { header: 'version', value: (e: ArtifactEntry) => `v${e.version}`, align: 'right' as const },
  { header: 'status', value: (e: ArtifactEntry) => e.status },
  { header: 'created', value: (e: ArtifactEntry) => iso(e.createdAt).slice(0, 19).replace('T', ' ') },
  { header: 'sha256', value: (e: ArtifactEntry) => e.sha256.slice(0, 12) },
  {
    header: 'examples',
    value: (e: ArtifactEntry) => (typeof e.provenance.examples === 'number' ? String(e.provenance.examples) : ''),
    align: 'right' as const,
  },
  { header: 'dataset', value: (e: ArtifactEntry) => (typeof e.provenance.dataset === 'string' ? e.provenance.dataset : '') },
];
