/** `tandem logs`: the most recent routing decisions from the request log, as a table or JSON. */
import type { Command } from 'commander';
import type { RequestRecord } from '../spec/request-record.js';
import { openLogForReading, parsePositiveInt, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { routeOutcome } from '../telemetry/report/route-outcome.js';
import { formatLocalTime, formatTable, truncateMiddle, type TableColumn } from './format-table.js';
import type { FeedbackEntry } from '../store/feedback.js';
import { formatFeedbackCell } from '../lifecycle/feedback-format.js';
import type { FlowStepRecord } from '../store/flow-steps.js';
import { flowStepRows } from '../flows/flow-log-rows.js';

interface LogsOptions {
  config?: string;
  limit: number;
  route?: string;
  model?: string;
  json?: boolean;
}

export function registerLogsCommand(program: Command, deps: CliDeps): void {
  program
    .command('logs')
    .description('show recent requests: where each went, why, and what it cost')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml, else the built-in ./.tandem/tandem.db)')
    .option('-n, --limit <n>', 'how many requests to show', parsePositiveInt, 20)
    .option('-r, --route <name>', 'only requests on this route')
    .option('-m, --model <name>', 'only requests answered by this model')
    .option('--json', 'print the full records as JSON (bodies included when logged)')
    .action(async (options: LogsOptions) => {
      try {
        await runLogs(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'logs', error);
      }
    });
}

async function runLogs(deps: CliDeps, options: LogsOptions): Promise<void> {
  const { store, currency, location } = await openLogForReading(deps, options.config);
  try {
    const query: { limit: number; route?: string; model?: string } = { limit: options.limit };
    if (options.route !== undefined) query.route = options.route;
    if (options.model !== undefined) query.model = options.model;
    const records = await store.requestLog.recent(query);
    // Each request's latest feedback (docs/lifecycle.md#feedback), joined by request id.
    const feedback = await store.feedback.latest(records.map((r) => r.id));
    // A flow's child rows, one per step (docs/flows.md), shown under their parent.
    const steps = (await store.flowSteps?.forParents(records.map((r) => r.id))) ?? new Map<string, FlowStepRecord[]>();
    if (options.json) {
      const joined = records.map((r) => ({ ...r, feedback: feedback.get(r.id) ?? null, ...(steps.has(r.id) ? { steps: steps.get(r.id) } : {}) }));
      deps.stdout(`${JSON.stringify(joined, null, 2)}\n`);
    } else if (records.length === 0) {
      const filtered = options.route !== undefined || options.model !== undefined;
      deps.stdout(filtered ? 'no requests match these filters\n' : `no requests logged yet at ${location}\n`);
    } else {
      deps.stdout(`${formatLogsTable(records, { currency, feedback, steps })}\n`);
    }
  } finally {
    await store.close();
  }
}

const columns: TableColumn[] = [
  { header: 'time' },
  { header: 'id' },
  { header: 'route' },
  { header: 'model' },
  { header: 'why' },
  { header: 'in', align: 'right' },
  { header: 'out', align: 'right' },
  { header: 'cost', align: 'right' },
  { header: 'ttft ms', align: 'right' },
  { header: 'total ms', align: 'right' },
  { header: 'status', align: 'right' },
  { header: 'feedback' },
];

/** Newest first, as given. `~` marks estimated token counts; `(direct)` a request that named a model, not a route. */
export function formatLogsTable(
  records: readonly RequestRecord[],
  options: { currency: string; feedback?: ReadonlyMap<string, FeedbackEntry>; steps?: ReadonlyMap<string, readonly FlowStepRecord[]> },
): string {
  const rows = records.flatMap((r) => [
    [
      formatLocalTime(r.time),
      r.id,
      r.route ?? '(direct)',
      r.model ?? '(none)',
      // What happened, ending with the model that answered (a fallback says so): cut in the middle, not the end.
      truncateMiddle(routeOutcome(r).text, 64),
      `${r.tokensEstimated ? '~' : ''}${r.inputTokens}`,
      `${r.tokensEstimated ? '~' : ''}${r.outputTokens}`,
      r.cost.toFixed(6),
      r.ttftMs === null ? '-' : Math.round(r.ttftMs).toString(),
      Math.round(r.totalMs).toString(),
      r.status.toString(),
      formatFeedbackCell(options.feedback?.get(r.id)),
    ],
    ...flowStepRows(options.steps?.get(r.id) ?? []),
  ]);
  const notes = [`cost in ${options.currency}`];
  if (records.some((r) => r.tokensEstimated)) notes.push('~ = estimated token count');
  return `${formatTable({ columns, rows })}\n(${notes.join('; ')})`;
}
