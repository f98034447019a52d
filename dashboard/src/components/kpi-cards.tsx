/** The headline numbers for the selected range. */
import type { DashboardSeries } from '../api.js';
import { formatCost, formatCount, formatMs, formatPercent } from '../format.js';

export function KpiCards({ series }: { series: DashboardSeries }) {
  const t = series.totals;
  const local = t.byLocality.local ?? 0;
  const p95 = Math.max(0, ...series.models.map((m) => m.latency.total.p95 ?? 0));
  const cards: Array<{ key: string; label: string; value: string; note?: string; tone?: string }> = [
    { key: 'requests', label: 'Requests', value: formatCount(t.requests) },
    {
      key: 'local-share',
      label: 'Served locally',
      value: t.requests === 0 ? '–' : formatPercent(local / t.requests),
      note: `${formatCount(local)} of ${formatCount(t.requests)}`,
    },
    { key: 'cost', label: 'Cost', value: formatCost(t.cost), note: `baseline ${formatCost(t.baselineCost)}` },
    {
      key: 'savings',
      label: 'Saved',
      value: formatCost(t.savings),
      note: t.baselineCost > 0 ? `${formatPercent(t.savings / t.baselineCost)} of baseline` : 'no baseline',
      tone: 'good',
    },
    {
      key: 'errors',
      label: 'Error rate (5xx)',
      value: formatPercent(t.errorRate),
      note: `${formatCount(t.serverErrors)} gateway or upstream · ${formatCount(t.clientErrors)} client (4xx)`,
      tone: t.serverErrors > 0 ? 'bad' : '',
    },
    { key: 'fallbacks', label: 'Fallback rate', value: formatPercent(t.fallbackRate), note: `${formatCount(t.fallbacks)} retried or fell back` },
    { key: 'p95', label: 'Slowest model p95', value: p95 === 0 ? '–' : formatMs(p95) },
  ];
  return (
    <section class="kpis" data-testid="kpis">
      {cards.map((c) => (
        <div key={c.key} class={`kpi card ${c.tone ?? ''}`} data-testid={`kpi-${c.key}`}>
          <div class="kpi-label">{c.label}</div>
          <div class="kpi-value">{c.value}</div>
          {c.note ? <div class="kpi-note">{c.note}</div> : null}
        </div>
      ))}
    </section>
  );
}
