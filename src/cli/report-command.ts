/**
 * `tandem report`: a savings report for a period — per route and model: requests, tokens, cost, baseline
 * cost, savings, share served locally, p50/p95 latency — as a table, JSON, or a standalone HTML file with
 * charts of cost against the all-to-the-baseline alternative and of the traffic split.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { adaptiveSince, buildReport, reportWindow, type ReportModel, type ReportTotals, type SavingsReport } from '../telemetry/report/build-report.js';
import { renderReportHtml } from '../telemetry/report/report-html.js';
import { CommandFailure, openLogForReading, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { formatTable, type TableColumn } from './format-table.js';
import { parseTimeBound } from './stats-command.js';

interface ReportOptions {
  config?: string;
  /** Unset: 7 days, or since the first request when the log is younger (adaptiveSince). */
  since?: number;
  until?: number;
  json?: boolean;
  html?: string;
}

const HOUR_MS = 3_600_000;

export function registerReportCommand(program: Command, deps: CliDeps): void {
  program
    .command('report')
    .description('savings report per route and model: cost vs. the baseline model, local share, latency')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml, else the built-in ./.tandem/tandem.db)')
    .option(
      '--since <when>',
      'start: a duration back from now (30m, 24h, 7d, 2w) or an ISO date (default: 7d, or the first request when that is more recent)',
      (v) => parseTimeBound(v),
    )
    .option('--until <when>', 'end (exclusive), same forms as --since (default: now)', (v) => parseTimeBound(v))
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a standalone HTML report with charts to this file')
    .action(async (options: ReportOptions) => {
      try {
        await runReport(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'report', error);
      }
    });
}

async function runReport(deps: CliDeps, options: ReportOptions): Promise<void> {
  const now = Date.now();
  if (options.since !== undefined && options.since >= (options.until ?? now)) throw new CommandFailure('--since must be earlier than --until');
  const { store, currency, models } = await openLogForReading(deps, options.config);
  let report: SavingsReport;
  let adaptive = false;
  try {
    let start = options.since;
    if (start === undefined) {
      const end = options.until ?? now;
      const weekAgo = Math.floor((end - 7 * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS;
      const hours = await store.dashboard.series({ since: weekAgo, until: end, bucketMs: HOUR_MS });
      ({ since: start, adaptive } = adaptiveSince({ now: end, hours: hours.traffic }));
    }
    const { since, until, bucketMs } = reportWindow({ since: start, until: options.until, now });
    const [stats, series] = await Promise.all([store.stats.query({ since, until }), store.dashboard.series({ since, until, bucketMs })]);
    const localities = new Map(Object.entries(models).map(([name, m]) => [name, m.locality]));
    report = buildReport({ since, until, bucketMs, currency, stats, series, localities });
  } finally {
    await store.close();
  }
  if (options.html !== undefined) {
    const path = resolve(options.html);
    await writeFile(path, renderReportHtml(report));
    if (options.json) deps.stderr(`wrote ${path}\n`);
    else deps.stdout(`wrote ${path}\n`);
  }
  if (options.json) {
    deps.stdout(`${JSON.stringify({ ...report, since: iso(report.since), until: iso(report.until) }, null, 2)}\n`);
    return;
  }
  if (report.total.requests === 0) {
    deps.stdout(`no requests from ${iso(report.since)} to ${iso(report.until)}\n`);
    return;
  }
  const from = `${iso(report.since)}${adaptive ? ' (the first request; --since for another start)' : ''}`;
  deps.stdout(`savings report from ${from} to ${iso(report.until)}, costs in ${currency}\n${formatReportTable(report)}\n\n${formatModelTable(report)}\n`);
}

const columns: TableColumn[] = [
  { header: 'route' },
  { header: 'model' },
  { header: 'requests', align: 'right' },
  { header: 'tokens in', align: 'right' },
  { header: 'tokens out', align: 'right' },
  { header: 'cost', align: 'right' },
  { header: 'baseline', align: 'right' },
  { header: 'savings', align: 'right' },
  { header: 'savings %', align: 'right' },
  { header: 'local %', align: 'right' },
];

const modelColumns: TableColumn[] = [
  { header: 'model' },
  { header: 'locality' },
  { header: 'requests', align: 'right' },
  { header: 'after a failure', align: 'right' },
  { header: 'p50', align: 'right' },
  { header: 'p95', align: 'right' },
];

export function formatReportTable(report: SavingsReport): string {
  const cells = (r: ReportTotals, route: string, model: string): string[] => [
    route,
    model,
    String(r.requests),
    String(r.inputTokens),
    String(r.outputTokens),
    r.cost.toFixed(6),
    r.baselineCost.toFixed(6),
    r.savings.toFixed(6),
    percent(r.savingsPercent),
    percent(r.localSharePercent),
  ];
  return formatTable({
    columns,
    rows: report.rows.map((r) => cells(r, r.route ?? '(direct)', r.model ?? '(none)')),
    footer: [...report.routes.map((r) => cells(r, r.route ?? '(direct)', '(all)')), cells(report.total, 'total', '')],
  });
}

/**
 * Per model, once: latency (the store keeps it per model, so per route it would only repeat) and how many
 * of its answers came after a failed attempt (a fallback to it, or a retry).
 */
export function formatModelTable(report: SavingsReport): string {
  const row = (m: ReportModel): string[] => [m.model, m.locality, String(m.requests), String(m.afterFailedAttempt), ms(m.p50Ms), ms(m.p95Ms)];
  return formatTable({ columns: modelColumns, rows: report.models.map(row) });
}

function percent(v: number | null): string {
  return v === null ? '-' : `${v.toFixed(1)}%`;
}

function ms(v: number | null): string {
  return v === null ? '-' : `${Math.round(v)}ms`;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}
