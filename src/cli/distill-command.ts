/**
 * `tandem distill --route R`: trains the task route's student now from the examples in the store, prints
 * its metrics, and promotes it if it beats the current one (docs/distillation.md). `tandem students
 * list|show`: the versions trained so far. Every student trained here is registered in the model registry
 * (docs/lifecycle.md#registry), so running gateways on the same store serve a promoted one within seconds.
 */
import type { Command } from 'commander';
import { modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import type { StudentSummary } from '../store/task-examples.js';
import type { ModelInfo } from '../spec/model-info.js';
import { CommandFailure, openLogForReading, parsePositiveInt, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { formatTable } from './format-table.js';

interface Options {
  config?: string;
  json?: boolean;
}

export function registerDistillCommands(program: Command, deps: CliDeps): void {
  program
    .command('distill')
    .description("train a task route's student now from its captured examples, print its metrics, promote it if it does better")
    .requiredOption('--route <route>', 'the task route')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--json', 'print JSON')
    .action(async (options: Options & { route: string }) => {
      try {
        await runDistill(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'distill', error);
      }
    });
  const students = program.command('students').description('task students: versions, status and metrics');
  students
    .command('list')
    .description('every student of every task route, newest first')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--route <route>', 'only this route')
    .option('--json', 'print JSON')
    .action(async (options: Options & { route?: string }) => {
      try {
        await runList(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'students list', error);
      }
    });
  students
    .command('show <route> [version]')
    .description("one student's metrics (default: the newest version)")
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--json', 'print JSON')
    .action(async (route: string, version: string | undefined, options: Options) => {
      try {
        await runShow(deps, route, version === undefined ? undefined : parsePositiveInt(version), options);
      } catch (error) {
        reportCommandFailure(deps, 'students show', error);
      }
    });
}

async function runDistill(deps: CliDeps, options: Options & { route: string }): Promise<void> {
  const { config } = await deps.loadConfig(options.config ?? 'tandem.yaml');
  if (!config.routes[options.route]?.task) {
    const tasks = Object.entries(config.routes)
      .filter(([, r]) => r.task)
      .map(([name]) => name);
    throw new CommandFailure(`route "${options.route}" declares no task; task routes: ${tasks.join(', ') || '(none)'}`);
  }
  const { store } = await openLogForReading(deps, options.config);
  const [{ createTaskStage }, { registryService }, { registerTrainedStudent }, { AuditChain }, { auditReplicaId }] = await Promise.all([
    import('../distill/task-stage.js'),
    import('../lifecycle/gateway-registry.js'),
    import('../lifecycle/task-student-registry.js'),
    import('../governance/audit-chain.js'),
    import('../governance/governance.js'),
  ]);
  const registry = registryService(store, config.audit.enabled ? new AuditChain({ log: store.audit, replicaId: auditReplicaId(config) }) : null);
  const models = new Map<string, ModelInfo>(Object.entries(config.models).map(([name, m]) => [name, modelInfoFromConfig(name, m)]));
  // No adapters: training calls no model; shadow checks belong to the running gateway.
  const stage = await createTaskStage({
    config: { ...config, routes: { [options.route]: config.routes[options.route] as (typeof config.routes)[string] } },
    store: store.taskExamples,
    models,
    adapters: new Map(),
    autoTrain: false,
    log: deps.stderr,
    onTrained: async (student) => {
      await registerTrainedStudent(registry, student, 'tandem distill');
    },
  });
  try {
    if (!stage) throw new CommandFailure(`route "${options.route}" declares no task`);
    const report = await stage.train(options.route);
    if (options.json) {
      deps.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const m = report.metrics;
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    deps.stdout(
      `${[
        `student:${report.route}@v${report.version} ${report.promoted ? 'promoted: running gateways on this store serve it within seconds' : report.canary ? 'beat the current student on the held-out examples: registered as a canary, which running gateways on this store try on a share of traffic (docs/lifecycle.md#student-canaries)' : 'not promoted: it did not beat the current student on the held-out examples (registered as a candidate: `tandem registry promote` serves it anyway)'}`,
        `examples ${report.examples} (trained on ${m.trainExamples}, held out ${m.evalExamples}), labels ${report.labels}, trained in ${(m.trainingMs / 1000).toFixed(1)} s`,
        `held out: accuracy ${pct(m.accuracy)}, coverage ${pct(m.coverage)} at agreement ${pct(m.agreement)} (target ${pct(config.routes[options.route]?.task?.target_agreement ?? 0)})`,
        `thresholds: confidence >= ${report.thresholds.confidence.toFixed(3)}, novelty <= ${report.thresholds.novelty.toFixed(3)}`,
        ...(report.previous
          ? [
              `previous v${report.previous.version} on the same held-out examples: coverage ${pct(report.previous.metrics.coverage)} at agreement ${pct(report.previous.metrics.agreement)}`,
            ]
          : []),
      ].join('\n')}\n`,
    );
  } finally {
    await stage?.close();
    await store.close();
  }
}

async function runList(deps: CliDeps, options: Options & { route?: string }): Promise<void> {
  const { store } = await openLogForReading(deps, options.config);
  try {
    const students = await store.taskExamples.students(options.route);
    if (options.json) {
      deps.stdout(`${JSON.stringify(students, null, 2)}\n`);
      return;
    }
    if (students.length === 0) {
      deps.stdout('no students trained yet\n');
      return;
    }
    deps.stdout(`${formatTable({ columns: COLUMNS, rows: students.map((s) => COLUMNS.map((c) => c.value(s))) })}\n`);
  } finally {
    await store.close();
  }
}

async function runShow(deps: CliDeps, route: string, version: number | undefined, options: Options): Promise<void> {
  const { store } = await openLogForReading(deps, options.config);
  try {
    const students = await store.taskExamples.students(route);
    const student = version === undefined ? students[0] : students.find((s) => s.version === version);
    if (!student)
      throw new CommandFailure(
        `no student ${version === undefined ? '' : `v${version} `}for route "${route}"${students.length ? ` (versions: ${students.map((s) => s.version).join(', ')})` : ''}`,
      );
    const examples = await store.taskExamples.count(route);
    if (options.json) {
      deps.stdout(`${JSON.stringify({ ...student, examples }, null, 2)}\n`);
      return;
    }
    deps.stdout(
      `student:${route}@v${student.version} ${student.status}, trained ${new Date(student.createdAt).toISOString()}, ${examples} examples captured\n${JSON.stringify(student.metrics, null, 2)}\n`,
    );
  } finally {
    await store.close();
  }
}

const metric = (s: StudentSummary, key: string): string => {
  const v = s.metrics[key];
  return typeof v === 'number' ? `${(100 * v).toFixed(1)}%` : '';
};

const COLUMNS = [
  { header: 'route', value: (s: StudentSummary) => s.route },
  { header: 'version', value: (s: StudentSummary) => `v${s.version}`, align: 'right' as const },
  { header: 'status', value: (s: StudentSummary) => s.status },
  { header: 'created', value: (s: StudentSummary) => new Date(s.createdAt).toISOString().slice(0, 19).replace('T', ' ') },
  {
    header: 'examples',
    value: (s: StudentSummary) => String(Number(s.metrics.trainExamples ?? 0) + Number(s.metrics.evalExamples ?? 0)),
    align: 'right' as const,
  },
  { header: 'coverage', value: (s: StudentSummary) => metric(s, 'coverage'), align: 'right' as const },
  { header: 'agreement', value: (s: StudentSummary) => metric(s, 'agreement'), align: 'right' as const },
  { header: 'accuracy', value: (s: StudentSummary) => metric(s, 'accuracy'), align: 'right' as const },
];
