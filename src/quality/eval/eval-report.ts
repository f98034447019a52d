/**
 * What `tandem eval` writes: a console table, a JSON file and a standalone HTML page with the
 * cost-quality curves (inline SVG, no scripts or CDNs, so it opens anywhere, offline).
 */
import type { MethodResult, ProtocolResult } from './evaluation-protocol.js';
import type { CurvePoint } from './routing-metrics.js';

export interface EvalReport extends ProtocolResult {
  dataset: string;
  n: number;
  weakModel: string;
  strongModel: string;
  createdAt: string;
  /** The best published RouteLLM router on this benchmark, when there is one. */
  published?: { router: string; cpt50: number; apgr: number };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}%` : 'n/a');

/** A fixed-width table, one row per method. */
export function formatReportTable(report: EvalReport): string {
  const header = ['router', 'CPT(20%)', 'CPT(50%)', 'CPT(80%)', 'APGR', 'APGR 95% CI', 'p vs random', 'train'];
  const rows = report.methods.map((m) => [
    m.name,
    withSd(pct(m.mean.cpt20), m.sd.cpt20, m.runs.length),
    withSd(pct(m.mean.cpt50), m.sd.cpt50, m.runs.length),
    withSd(pct(m.mean.cpt80), m.sd.cpt80, m.runs.length),
    withSd(m.mean.apgr.toFixed(3), m.sd.apgr, m.runs.length, 3),
    m.uncertainty ? `${m.uncertainty.apgr95[0].toFixed(3)}-${m.uncertainty.apgr95[1].toFixed(3)}` : '',
    m.uncertainty ? formatP(m.uncertainty.pVsRandom, m.uncertainty.resamples) : '',
    m.trainMs !== undefined ? `${(m.trainMs / 1000).toFixed(2)}s` : '',
  ]);
  if (report.published) {
    rows.push([`RouteLLM best (${report.published.router})`, '', pct(report.published.cpt50), '', report.published.apgr.toFixed(3), '', '', '']);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ');
  const withU = report.methods.find((m) => m.uncertainty)?.uncertainty;
  const note = withU
    ? [
        `95% CI: bootstrap over the ${withU.prompts} prompts of the first split/repetition (${withU.resamples} draws); p: one-sided permutation test against random scores`,
      ]
    : [];
  return [
    `${report.dataset}: n=${report.n}, weak ${report.weakModel} ${report.weakAccuracy.toFixed(2)}%, strong ${report.strongModel} ${report.strongAccuracy.toFixed(2)}%`,
    report.protocol,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...note,
  ].join('\n');
}

/** A permutation p-value never reads 0: below the resolution it is "< 1/(B+1)". */
function formatP(p: number, resamples: number): string {
  const floor = 1 / (resamples + 1);
  return p <= floor ? `< ${floor.toPrecision(2)}` : p.toFixed(3);
}

function withSd(value: string, sd: number, runs: number, digits = 2): string {
  return runs > 1 ? `${value} ± ${sd.toFixed(digits)}` : value;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
  dashed?: boolean;
}

function svgChart(options: { title: string; xLabel: string; yLabel: string; series: Series[]; hLines?: Array<{ y: number; label: string }> }): string {
  const W = 640;
  const H = 400;
  const m = { l: 60, r: 170, t: 30, b: 45 };
  const all = options.series.flatMap((s) => s.points);
  const ys = [...all.map((p) => p.y), ...(options.hLines ?? []).map((h) => h.y)];
  const xMax = Math.max(...all.map((p) => p.x), 1e-12);
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  const yPad = (yMax - yMin) * 0.05 || 1;
  const sx = (x: number): number => m.l + (x / xMax) * (W - m.l - m.r);
  const sy = (y: number): number => H - m.b - ((y - (yMin - yPad)) / (yMax - yMin + 2 * yPad)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<text x="${W / 2 - m.r / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeHtml(options.title)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5;
    const yv = yMin - yPad + ((yMax - yMin + 2 * yPad) * i) / 5;
    parts.push(`<text x="${sx(xv)}" y="${H - m.b + 16}" text-anchor="middle">${formatTick(xv)}</text>`);
    parts.push(`<text x="${m.l - 6}" y="${sy(yv) + 4}" text-anchor="end">${yv.toFixed(1)}</text>`);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(yv)}" y2="${sy(yv)}" stroke="#eee"/>`);
  }
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`);
  for (const h of options.hLines ?? []) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(h.y)}" y2="${sy(h.y)}" stroke="#888" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${m.l + 4}" y="${sy(h.y) - 4}" fill="#666">${escapeHtml(h.label)}</text>`);
  }
  options.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] ?? '#000';
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of s.points) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    parts.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${m.t + 10 + i * 18}" y2="${m.t + 10 + i * 18}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    parts.push(`<text x="${W - m.r + 38}" y="${m.t + 14 + i * 18}">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function formatTick(x: number): string {
  if (x === 0) return '0';
  if (x >= 100) return x.toFixed(0);
  if (x >= 1) return x.toFixed(1);
  return x.toPrecision(2);
}

function seriesOf(methods: readonly MethodResult[], x: (p: CurvePoint) => number | undefined): Series[] {
  return methods
    .map((m) => ({
      name: m.name,
      dashed: m.mode === 'baseline',
      points: m.curve.flatMap((p) => {
        const xv = x(p);
        return xv === undefined ? [] : [{ x: xv, y: p.accuracy }];
      }),
    }))
    .filter((s) => s.points.length > 0);
}

/** The standalone HTML report. */
export function renderHtmlReport(report: EvalReport): string {
  const hLines = [
    { y: report.weakAccuracy, label: `weak: ${report.weakModel}` },
    { y: report.strongAccuracy, label: `strong: ${report.strongModel}` },
  ];
  const callsChart = svgChart({
    title: `Quality vs strong-model calls (${report.dataset})`,
    xLabel: 'strong-model calls (%)',
    yLabel: 'accuracy (%)',
    series: seriesOf(report.methods, (p) => p.strongPct),
    hLines,
  });
  const hasCost = report.methods.some((m) => m.curve.some((p) => p.cost !== undefined));
  const costChart = hasCost
    ? svgChart({
        title: `Quality vs cost per 1,000 prompts (${report.dataset})`,
        xLabel: 'cost per 1,000 prompts ($)',
        yLabel: 'accuracy (%)',
        series: seriesOf(report.methods, (p) => (p.cost === undefined ? undefined : p.cost * 1000)),
        hLines,
      })
    : '';
  const rows = report.methods
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.name)}</td><td>${pct(m.mean.cpt20)}</td><td>${pct(m.mean.cpt50)} ± ${m.sd.cpt50.toFixed(2)}</td><td>${pct(m.mean.cpt80)}</td><td>${m.mean.apgr.toFixed(3)} ± ${m.sd.apgr.toFixed(3)}</td></tr>`,
    )
    .join('\n');
  const published = report.published
    ? `<tr class="pub"><td>RouteLLM best published (${escapeHtml(report.published.router)})</td><td></td><td>${pct(report.published.cpt50)}</td><td></td><td>${report.published.apgr.toFixed(3)}</td></tr>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem routing evaluation: ${escapeHtml(report.dataset)}</title>
<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}tr.pub{color:#666;font-style:italic}</style>
</head><body>
<h1>Routing evaluation: ${escapeHtml(report.dataset)}</h1>
<p>n = ${report.n}; weak ${escapeHtml(report.weakModel)} ${report.weakAccuracy.toFixed(2)}%, strong ${escapeHtml(report.strongModel)} ${report.strongAccuracy.toFixed(2)}%.<br>
Protocol: ${escapeHtml(report.protocol)}. Metrics as in RouteLLM (arXiv 2406.18665): CPT(x) = strong-model calls needed to recover x of the quality gap; APGR = average performance gap recovered. Lower CPT and higher APGR are better. Curves show the first split.</p>
<table><tr><th>router</th><th>CPT(20%)</th><th>CPT(50%)</th><th>CPT(80%)</th><th>APGR</th></tr>
${rows}
${published}
</table>
<h2>Cost-quality curves</h2>
${callsChart}
${costChart}
<p><small>Generated by <code>tandem eval</code> at ${escapeHtml(report.createdAt)}.</small></p>
</body></html>
`;
}
