/** `tandem stats`: requests, tokens, cost and savings against the baseline model, per route and model. */
import { InvalidArgumentError, type Command } from 'commander';
import type { StatsRow } from '../store/request-log.js';
import { addUsageTotals } from '../store/usage-totals.js';
import { CommandFailure, openLogForReading, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { formatLocalTime, formatTable, type TableColumn } from './format-table.js';

interface StatsOptions {
  config?: string;
  since?: number;
  until?: number;
  json?: boolean;
}

export function registerStatsCommand(program: Command, deps: CliDeps): void {
  program
    .command('stats')
    .description('show requests, cost and savings per route and model')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml, else the built-in ./.tandem/tandem.db)')
    .option('--since <when>', 'start: a duration back from now (30m, 24h, 7d, 2w) or an ISO date (default: all time)', (v) => parseTimeBound(v))
    .option('--until <when>', 'end (exclusive), same forms as --since (default: now)', (v) => parseTimeBound(v))
    .option('--json', 'print JSON')
    .action(async (options: StatsOptions) => {
      try {
        await runStats(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'stats', error);
      }
    });
}

async function runStats(deps: CliDeps, options: StatsOptions): Promise<void> {
  if (options.since !== undefined && options.until !== undefined && options.since >= options.until) {
    throw new CommandFailure('--since must be earlier than --until');
  }
  const { store, currency } = await openLogForReading(deps, options.config);
  try {
    const window: { since?: number; until?: number } = {};
    if (options.since !== undefined) window.since = options.since;
    if (options.until !== undefined) window.until = options.until;
    const rows = await store.stats.query(window);
    const total = totalOf(rows);
    if (options.json) {
      const withPercent = (row: StatsRow): StatsRow & { savingsPercent: number | null } => ({
        ...row,
        savingsPercent: savingsPercent(row),
      });
      const report = {
        since: options.since === undefined ? null : new Date(options.since).toISOString(),
        until: options.until === undefined ? null : new Date(options.until).toISOString(),
        currency,
        rows: rows.map(withPercent),
        total: withPercent(total),
      };
      deps.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const period = describePeriod(options);
    if (rows.length === 0) {
      deps.stdout(`no requests ${period}\n`);
      return;
    }
    deps.stdout(`requests ${period}, costs in ${currency}\n${formatStatsTable(rows, total)}\n`);
  } finally {
    await store.close();
  }
}

const columns: TableColumn[] = [
  { header: 'route' },
  { header: 'model' },
  { header: 'requests', align: 'right' },
  { header: 'errors', align: 'right' },
  { header: 'tokens in', align: 'right' },
  { header: 'tokens out', align: 'right' },
  { header: 'cost', align: 'right' },
  { header: 'baseline', align: 'right' },
  { header: 'savings', align: 'right' },
  { header: 'savings %', align: 'right' },
];

/** `(direct)`: the client named a model rather than a route; `(none)`: no model was reached. */
export function formatStatsTable(rows: readonly StatsRow[], total: StatsRow): string {
  const cells = (row: StatsRow, route: string, model: string): string[] => {
    const percent = savingsPercent(row);
    return [
      route,
      model,
      row.requests.toString(),
      row.errors.toString(),
      row.inputTokens.toString(),
      row.outputTokens.toString(),
      row.cost.toFixed(6),
      row.baselineCost.toFixed(6),
      row.savings.toFixed(6),
      percent === null ? '-' : `${percent.toFixed(1)}%`,
    ];
  };
  return formatTable({
    columns,
    rows: rows.map((row) => cells(row, row.route ?? '(direct)', row.model ?? '(none)')),
    footer: [cells(total, 'total', '')],
  });
}

export function totalOf(rows: readonly StatsRow[]): StatsRow {
  const total: StatsRow = {
    route: null,
    model: null,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: 0,
    baselineCost: 0,
    savings: 0,
  };
  for (const row of rows) addUsageTotals(total, row);
  total.savings = total.baselineCost - total.cost;
  return total;
}

/** Share of the baseline cost saved; null when there was no baseline cost to save from. */
function savingsPercent(row: StatsRow): number | null {
  return row.baselineCost > 0 ? (row.savings / row.baselineCost) * 100 : null;
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `24h` means 24 hours before `now`; otherwise an ISO 8601 date (local midnight) or date-time (local time
 * unless it names a zone), matching the local times `tandem logs` prints.
 */
export function parseTimeBound(value: string, now: number = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (relative !== null) return now - Number(relative[1]) * (units[relative[2] ?? ''] ?? Number.NaN);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  // Date.parse reads a bare date as UTC midnight; everything else here is local time.
  if (date !== null) {
    const [year, month, day] = [Number(date[1]), Number(date[2]) - 1, Number(date[3])];
    const midnight = new Date(year, month, day);
    // The Date constructor rolls 2025-13-45 over into 2026; a typo should be an error instead.
    if (midnight.getFullYear() === year && midnight.getMonth() === month && midnight.getDate() === day) {
      return midnight.getTime();
    }
  }
  // Date.parse alone accepts things like "1" (the year 2001), so insist on a date's shape.
  const time = /^\d{4}-\d{2}-\d{2}T/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new InvalidArgumentError('expected a duration such as 30m, 24h or 7d, or an ISO date such as 2025-06-01.');
  }
  return time;
}

function describePeriod(options: { since?: number; until?: number }): string {
  const at = formatLocalTime;
  if (options.since === undefined && options.until === undefined) return 'logged (all time)';
  if (options.since === undefined) return `before ${at(options.until ?? 0)}`;
  if (options.until === undefined) return `since ${at(options.since)}`;
  return `from ${at(options.since)} to ${at(options.until)}`;
}
