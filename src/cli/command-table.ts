/**
 * Every `tandem` command: its name and description (for `tandem --help`), and how to load the module that
 * defines it. main.ts loads only the module of the command being run, so `tandem --version`, `--help` and
 * the light commands (`validate`, `report`, `logs`) do not pay for the gateway, the stores and the
 * tokenizer at start-up (docs/decisions/cli-distribution.md). command-table.test.ts checks that each entry
 * matches what its module registers.
 */
import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';

export interface CommandEntry {
  name: string;
  description: string;
  register(program: Command, deps: CliDeps): Promise<void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    description: 'start the gateway',
    register: async (program) => (await import('./serve-command.js')).registerServeCommand(program),
  },
  {
    name: 'init',
    description: 'write a starter tandem.yaml from the local model servers and API keys found on this machine',
    register: async (program, deps) => (await import('./init-command.js')).registerInitCommand(program, deps),
  },
  {
    name: 'validate',
    description: 'check a config file: syntax, schema, environment variables and references between entries',
    register: async (program, deps) => (await import('./validate-command.js')).registerValidateCommand(program, deps),
  },
  {
    name: 'route',
    description: 'show how a prompt would be routed, without calling a model',
    register: async (program) => (await import('./route-command.js')).registerRouteCommand(program),
  },
  {
    name: 'logs',
    description: 'show recent requests: where each went, why, and what it cost',
    register: async (program, deps) => (await import('./logs-command.js')).registerLogsCommand(program, deps),
  },
  {
    name: 'experiments',
    description: "list, show and stop experiments: a candidate model against a route's live model",
    register: async (program, deps) => (await import('./experiments-command.js')).registerExperimentsCommand(program, deps),
  },
  {
    name: 'stats',
    description: 'show requests, cost and savings per route and model',
    register: async (program, deps) => (await import('./stats-command.js')).registerStatsCommand(program, deps),
  },
  {
    name: 'keys',
    description: 'create, list and revoke API keys',
    register: async (program, deps) => (await import('./keys-command.js')).registerKeysCommand(program, deps),
  },
  {
    name: 'registry',
    description: 'versioned router scorers, cascade verifiers, task students and models: list, promote, roll back',
    register: async (program, deps) => (await import('./registry-command.js')).registerRegistryCommand(program, deps),
  },
  {
    name: 'audit',
    description: 'verify, anchor or export the tamper-evident audit log',
    register: async (program, deps) => (await import('./audit-command.js')).registerAuditCommand(program, deps),
  },
  {
    name: 'purge',
    description: 'delete request-log rows and audit records older than store.retention_days (the audit chain stays verifiable)',
    register: async (program, deps) => (await import('./purge-command.js')).registerPurgeCommand(program, deps),
  },
  {
    name: 'migrate',
    description: "apply the store's pending schema migrations, one at a time, and print each with its duration",
    register: async (program, deps) => (await import('./migrate-command.js')).registerMigrateCommand(program, deps),
  },
  {
    name: 'report',
    description: 'savings report per route and model: cost vs. the baseline model, local share, latency',
    register: async (program, deps) => (await import('./report-command.js')).registerReportCommand(program, deps),
  },
  {
    name: 'ingest',
    description: 'read, chunk and embed documents (text, Markdown, PDF, JSONL) into a retrieval collection',
    register: async (program, deps) => (await import('./ingest-command.js')).registerIngestCommand(program, deps),
  },
  {
    name: 'eval',
    description: "score routers on a labelled dataset with RouteLLM's metrics (CPT, APGR), beside random and oracle",
    register: async (program) => (await import('./eval-command.js')).registerEvalCommand(program),
  },
  {
    name: 'train-router',
    description: 'train a learned router (or cascade verifier) from labelled prompts and write its artifact',
    register: async (program) => (await import('./train-router-command.js')).registerTrainRouterCommand(program),
  },
  {
    name: 'distill',
    description: "train a task route's student now from its captured examples, print its metrics, promote it if it does better",
    register: async (program, deps) => (await import('./distill-command.js')).registerDistillCommands(program, deps),
  },
  {
    name: 'export',
    description: 'export training data from the request log (finetune: teacher conversations as JSONL)',
    register: async (program, deps) => (await import('./finetune-export-command.js')).registerExportCommand(program, deps),
  },
  {
    name: 'students',
    description: 'task students: versions, status and metrics',
    register: async (program, deps) => (await import('./distill-command.js')).registerDistillCommands(program, deps),
  },
];

/**
 * The command a command line names (`tandem --config x keys create` → `keys`; `tandem help logs` → `logs`),
 * or undefined for `tandem`, `tandem --help`, `tandem --version` and unknown names.
 */
export function commandNamed(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/** The version in package.json (one directory above src/ and dist/ alike). */
export async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
