/**
 * `tandem report --html`: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched),
 * so it can be mailed or attached to a ticket and opened anywhere, in light or dark mode.
 */
import type { ReportModel, ReportRow, ReportTotals, SavingsReport } from './build-report.js';
import { barList, COLORS, escapeXml, lineChart, stackedBarChart } from './svg-charts.js';

export function renderReportHtml(report: SavingsReport): string {
  const money = (v: number): string => `${v.toFixed(v !== 0 && Math.abs(v) < 1 ? 4 : 2)} ${report.currency}`;
  const times = report.buckets.map((b) => b.start);
  let cost = 0;
  let baseline = 0;
  const cumulativeCost: number[] = [];
  const cumulativeBaseline: number[] = [];
  for (const b of report.buckets) {
    cumulativeCost.push((cost += b.cost));
    cumulativeBaseline.push((baseline += b.baselineCost));
  }
  const costChart = lineChart({
    title: `Cumulative cost vs. sending everything to the baseline model (${report.currency})`,
    times,
    series: [
      { label: 'baseline (all to the large model)', color: COLORS.baseline, values: cumulativeBaseline },
      { label: 'actual cost', color: COLORS.cost, values: cumulativeCost },
    ],
    fillBetween: [0, 1],
    formatValue: (v) => v.toFixed(v < 1 ? 4 : 2),
  });
  const splitChart = stackedBarChart({
    title: 'Traffic split over time (requests per bucket)',
    times,
    series: [
      { label: 'local', color: COLORS.local, values: report.buckets.map((b) => b.local) },
      { label: 'cloud', color: COLORS.cloud, values: report.buckets.map((b) => b.cloud) },
      { label: 'no model / unknown', color: COLORS.other, values: report.buckets.map((b) => b.other) },
    ],
    formatValue: (v) => String(Math.round(v)),
  });
  const modelChart = barList({
    title: 'Requests per route and model',
    items: report.rows.map((r) => ({
      label: `${r.route ?? '(direct)'} / ${r.model ?? '(none)'}`,
      value: r.requests,
      color: r.locality === 'local' ? COLORS.local : r.locality === 'cloud' ? COLORS.cloud : COLORS.other,
    })),
    formatValue: (v) => String(v),
  });

  const t = report.total;
  const kpis = [
    ['Requests', String(t.requests)],
    ['Served locally', percent(t.localSharePercent)],
    ['Cost', money(t.cost)],
    ['Baseline cost', money(t.baselineCost)],
    ['Saved', `${money(t.savings)} (${percent(t.savingsPercent)})`],
  ]
    .map(([label, value]) => `<div class="kpi"><span>${escapeXml(label ?? '')}</span><strong>${escapeXml(value ?? '')}</strong></div>`)
    .join('');

  const cells = (r: ReportTotals): string =>
    [r.requests, r.errors, r.inputTokens, r.outputTokens].map((n) => `<td class="n">${n}</td>`).join('') +
    [r.cost, r.baselineCost, r.savings].map((n) => `<td class="n">${n.toFixed(6)}</td>`).join('') +
    `<td class="n">${percent(r.savingsPercent)}</td><td class="n">${percent(r.localSharePercent)}</td>`;
  const rowHtml = (r: ReportRow): string =>
    `<tr><td>${escapeXml(r.route ?? '(direct)')}</td><td>${escapeXml(r.model ?? '(none)')}</td><td>${r.locality}</td>${cells(r)}</tr>`;
  const routeHtml = report.routes
    .map((r) => `<tr class="sub"><td>${escapeXml(r.route ?? '(direct)')}</td><td>all models</td><td></td>${cells(r)}</tr>`)
    .join('');
  const modelHtml = (m: ReportModel): string =>
    `<tr><td>${escapeXml(m.model)}</td><td>${m.locality}</td><td class="n">${m.requests}</td><td class="n">${m.afterFailedAttempt}</td><td class="n">${ms(m.p50Ms)}</td><td class="n">${ms(m.p95Ms)}</td></tr>`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tandem savings report ${escapeXml(day(report.since))} – ${escapeXml(day(report.until))}</title>
<style>
:root{color-scheme:light dark;--fg:#111827;--muted:#6b7280;--bg:#fff;--card:#f9fafb;--line:#e5e7eb}
@media (prefers-color-scheme:dark){:root{--fg:#e5e7eb;--muted:#9ca3af;--bg:#111827;--card:#1f2937;--line:#374151}}
body{font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .25rem}p.muted{color:var(--muted);margin:0 0 1.5rem}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.75rem;margin-bottom:1.5rem}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem}.kpi span{display:block;color:var(--muted);font-size:.8rem}.kpi strong{font-size:1.15rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(460px,100%),1fr));gap:1rem}.charts>*{min-width:0}
.table-wrap{overflow-x:auto;margin-top:1.5rem;max-width:100%}.table-wrap table{margin-top:0}h2{font-size:1.05rem;margin:1.5rem 0 0}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem}figcaption{font-weight:600;margin-bottom:.5rem}
svg text{fill:var(--muted);font-size:11px}svg .grid{stroke:var(--line)}
.legend{display:flex;gap:1rem;flex-wrap:wrap;color:var(--muted);font-size:.85rem}.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
table{border-collapse:collapse;width:100%;margin-top:1.5rem;font-variant-numeric:tabular-nums}th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:left}
td.n,th.n{text-align:right;white-space:nowrap}tr.sub td{font-weight:600;background:var(--card)}
</style></head><body>
<h1>Tandem savings report</h1>
<p class="muted">${escapeXml(stamp(report.since))} to ${escapeXml(stamp(report.until))} (UTC) · costs in ${escapeXml(report.currency)} · baseline: every request sent to its route's baseline model · latency percentiles per model, successful requests</p>
<div class="kpis">${kpis}</div>
<div class="charts">${costChart}${splitChart}${modelChart}</div>
<h2>Per route and answering model</h2>
<div class="table-wrap"><table>
<thead><tr><th>route</th><th>model</th><th>locality</th><th class="n">requests</th><th class="n">errors</th><th class="n">tokens in</th><th class="n">tokens out</th><th class="n">cost</th><th class="n">baseline</th><th class="n">savings</th><th class="n">savings %</th><th class="n">local %</th></tr></thead>
<tbody>${report.rows.map(rowHtml).join('')}${routeHtml}<tr class="sub"><td>total</td><td></td><td></td>${cells(t)}</tr></tbody>
</table></div>
<h2>Per model</h2>
<div class="table-wrap"><table>
<thead><tr><th>model</th><th>locality</th><th class="n">requests</th><th class="n">after a failed attempt</th><th class="n">p50</th><th class="n">p95</th></tr></thead>
<tbody>${report.models.map(modelHtml).join('')}</tbody>
</table></div>
</body></html>
`;
}

function percent(v: number | null): string {
  return v === null ? '-' : `${v.toFixed(1)}%`;
}

function ms(v: number | null): string {
  if (v === null) return '-';
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
}

function day(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function stamp(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}
