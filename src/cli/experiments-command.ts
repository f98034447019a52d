/**
 * `tandem experiments list|show|stop`: the experiments of docs/lifecycle.md#experiments, read from the store
 * (a running gateway writes them every few seconds). `stop` ends one in the store; a gateway running it
 * notices within 5 s and sends the candidate no more traffic.
 */
import type { Command } from 'commander';
import { experimentView, type ExperimentView } from '../lifecycle/experiment-view.js';
import { CommandFailure, openLogForReading, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { formatTable } from './format-table.js';

interface CommonOptions {
  config?: string;
  json?: boolean;
}

export function registerExperimentsCommand(program: Command, deps: CliDeps): void {
  const command = program.command('experiments').description("list, show and stop experiments: a candidate model against a route's live model");
  const run = (name: string, body: () => Promise<void>) => body().catch((error: unknown) => reportCommandFailure(deps, `experiments ${name}`, error));
  command
    .command('list')
    .description('every experiment with its status and arms')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--json', 'print JSON')
    .action((options: CommonOptions) =>
      run('list', async () => {
        const views = await withStore(deps, options, async (store) => (await store.experiments.list()).map((s) => experimentView(s)));
        if (options.json) return deps.stdout(`${JSON.stringify(views, null, 2)}\n`);
        if (views.length === 0) return deps.stdout('no experiments\n');
        deps.stdout(
          formatTable({
            columns: [{ header: 'NAME' }, { header: 'ROUTE' }, { header: 'METRIC' }, { header: 'STATUS' }, { header: 'CONTROL' }, { header: 'CANDIDATE' }],
            rows: views.map((v) => [v.name, v.route, v.metric, v.status, armLine(v.control), armLine(v.candidate)]),
          }),
        );
      }),
    );
  command
    .command('show <name>')
    .description('one experiment: arms, decision and why')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--json', 'print JSON')
    .action((name: string, options: CommonOptions) =>
      run('show', async () => {
        const view = await withStore(deps, options, async (store) => {
          const state = await store.experiments.get(name);
          if (!state) throw new CommandFailure(`no experiment named "${name}"`);
          return experimentView(state);
        });
        if (options.json) return deps.stdout(`${JSON.stringify(view, null, 2)}\n`);
        deps.stdout(describe(view));
      }),
    );
  command
    .command('stop <name>')
    .description('end a running experiment: the candidate gets no more traffic')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--json', 'print JSON')
    .action((name: string, options: CommonOptions) =>
      run('stop', async () => {
        const view = await withStore(deps, options, async (store) => {
          const state = await store.experiments.get(name);
          if (!state) throw new CommandFailure(`no experiment named "${name}"`);
          if (!(await store.experiments.decide(name, { status: 'stopped', reason: 'stopped with tandem experiments stop', time: Date.now() }))) {
            throw new CommandFailure(`experiment "${name}" is not running (${state.status})`);
          }
          return experimentView((await store.experiments.get(name)) ?? state);
        });
        if (options.json) return deps.stdout(`${JSON.stringify(view, null, 2)}\n`);
        deps.stdout(`stopped experiment ${view.name}\n`);
      }),
    );
}

async function withStore<T>(
  deps: CliDeps,
  options: CommonOptions,
  body: (store: Awaited<ReturnType<typeof openLogForReading>>['store']) => Promise<T>,
): Promise<T> {
  const { store } = await openLogForReading(deps, options.config);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

function armLine(arm: ExperimentView['control']): string {
  return `${arm.model} n=${arm.observations} mean=${arm.mean === null ? '-' : round(arm.mean)}`;
}

function round(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

function describe(v: ExperimentView): string {
  const lines = [
    `experiment ${v.name} on route ${v.route}`,
    `  metric     ${v.metric}${v.higherIsBetter === null ? '' : v.higherIsBetter ? ' (higher is better)' : ' (lower is better)'}`,
    `  status     ${v.status}${v.reason ? `: ${v.reason}` : ''}`,
    `  started    ${v.startedAt}${v.decidedAt ? `, decided ${v.decidedAt}` : ''}`,
  ];
  for (const [label, arm] of [
    ['control', v.control],
    ['candidate', v.candidate],
  ] as const) {
    lines.push(
      `  ${label.padEnd(10)} ${arm.model}: ${arm.requests} requests, ${arm.errors} errors, ${arm.observations} observations, mean ${arm.mean === null ? '-' : round(arm.mean)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
