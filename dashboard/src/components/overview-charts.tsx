/** The charts over the selected range: traffic split, cost vs baseline, latency, errors, privacy. */
import type { DashboardSeries } from '../api.js';
import { BarList } from '../charts/bar-list.js';
import { LineChart } from '../charts/line-chart.js';
import { StackedBarChart } from '../charts/stacked-bar-chart.js';
import { formatCost, formatCount, formatMs, formatPercent, tickDecimals } from '../format.js';
import { LOCALITY_COLORS, modelColors } from '../palette.js';
import { LatencyTable } from './latency-table.js';
import { Legend } from './legend.js';

export function OverviewCharts({ series }: { series: DashboardSeries }) {
  const colors = modelColors(series.models);
  const starts = series.buckets.map((b) => b.start);
  const modelSeries = series.models.map((m) => ({ key: m.model, label: `${m.model} (${m.locality})`, color: colors.get(m.model) ?? '#999' }));
  const localitySeries = (['local', 'cloud', 'unknown', 'none'] as const)
    .filter((l) => l === 'local' || l === 'cloud' || (series.totals.byLocality[l] ?? 0) > 0)
    .map((l) => ({ key: l, label: l === 'none' ? 'no model' : l, color: LOCALITY_COLORS[l] }));
  // Cumulative cost reads better than per-bucket cost: the gap to the baseline is what was saved so far.
  let cost = 0;
  let baseline = 0;
  const cumulativeCost = series.buckets.map((b) => (cost += b.cost));
  const cumulativeBaseline = series.buckets.map((b) => (baseline += b.baselineCost));
  const rate = (part: (b: DashboardSeries['buckets'][number]) => number) => series.buckets.map((b) => (b.requests === 0 ? null : part(b) / b.requests));

  return (
    <section class="grid">
      <div class="card">
        <h2>Traffic: local vs cloud</h2>
        <StackedBarChart
          testId="chart-locality"
          label="Requests per bucket by locality"
          bucketMs={series.bucketMs}
          buckets={series.buckets.map((b) => ({ start: b.start, values: b.byLocality }))}
          series={localitySeries}
        />
        <Legend
          items={localitySeries.map((s) => ({ ...s, value: formatCount(series.totals.byLocality[s.key as keyof typeof series.totals.byLocality] ?? 0) }))}
        />
      </div>
      <div class="card">
        <h2>Traffic per model</h2>
        <StackedBarChart
          testId="chart-models"
          label="Requests per bucket by model"
          bucketMs={series.bucketMs}
          buckets={series.buckets.map((b) => ({ start: b.start, values: b.byModel }))}
          series={modelSeries}
        />
        <Legend
          items={series.models.map((m) => ({
            key: m.model,
            label: `${m.model} · ${m.locality}`,
            color: colors.get(m.model) ?? '#999',
            value: formatCount(m.requests),
          }))}
        />
      </div>
      <div class="card">
        <h2>Cost vs all-to-large-model baseline (cumulative)</h2>
        <LineChart
          testId="chart-cost"
          label="Cumulative cost and baseline cost"
          bucketMs={series.bucketMs}
          starts={starts}
          formatY={formatCost}
          formatTick={(v, step) => `$${v.toFixed(tickDecimals(step))}`}
          band={{ upper: 'baseline', lower: 'cost', color: 'var(--savings-band)' }}
          series={[
            { key: 'baseline', label: 'Baseline (all to the large model)', color: 'var(--baseline)', values: cumulativeBaseline, dashed: true },
            { key: 'cost', label: 'Actual cost', color: 'var(--accent)', values: cumulativeCost },
          ]}
        />
        <Legend
          items={[
            { key: 'cost', label: 'actual cost', color: 'var(--accent)', value: formatCost(series.totals.cost) },
            { key: 'baseline', label: 'baseline', color: 'var(--baseline)', value: formatCost(series.totals.baselineCost) },
            { key: 'savings', label: 'saved', color: 'var(--good)', value: formatCost(series.totals.savings) },
          ]}
        />
      </div>
      <div class="card">
        <h2>Errors and fallbacks</h2>
        <LineChart
          testId="chart-errors"
          label="Error and fallback rate per bucket"
          bucketMs={series.bucketMs}
          starts={starts}
          formatY={formatPercent}
          series={[
            { key: 'errors', label: 'Error rate (5xx)', color: 'var(--bad)', values: rate((b) => b.serverErrors) },
            { key: 'client-errors', label: 'Client errors (4xx)', color: 'var(--muted)', values: rate((b) => b.clientErrors), dashed: true },
            { key: 'fallbacks', label: 'Fallback rate', color: 'var(--warn)', values: rate((b) => b.fallbacks) },
          ]}
        />
        <Legend
          items={[
            { key: 'errors', label: 'error rate (5xx)', color: 'var(--bad)', value: formatPercent(series.totals.errorRate) },
            { key: 'client-errors', label: 'client errors (4xx)', color: 'var(--muted)', value: formatPercent(series.totals.clientErrorRate) },
            { key: 'fallbacks', label: 'fallback rate', color: 'var(--warn)', value: formatPercent(series.totals.fallbackRate) },
          ]}
        />
      </div>
      <div class="card">
        <h2>Latency per model (successful requests)</h2>
        <LineChart
          testId="chart-latency"
          label="p95 total latency per model per bucket"
          bucketMs={series.bucketMs}
          starts={starts}
          formatY={(v) => formatMs(v)}
          series={series.models
            .filter((m) => m.latency.total.p95 !== null)
            .map((m) => ({
              key: m.model,
              label: `${m.model} p95`,
              color: colors.get(m.model) ?? '#999',
              values: series.buckets.map((b) => b.latency[m.model]?.p95 ?? null),
            }))}
        />
        <div class="table-x">
          <LatencyTable models={series.models} colors={colors} />
        </div>
      </div>
      <div class="card">
        <h2>Privacy decisions</h2>
        <BarList
          testId="privacy-actions"
          empty="No privacy detection ran in this range."
          format={formatCount}
          items={Object.entries(series.privacy.actions).map(([action, n]) => ({
            key: action,
            label: action,
            value: n,
            color: action === 'blocked' ? 'var(--bad)' : action === 'local-only' ? LOCALITY_COLORS.local : 'var(--accent)',
          }))}
        />
        <h3>Findings by type (counts only)</h3>
        <BarList
          testId="privacy-findings"
          empty="No personal data found."
          format={formatCount}
          items={Object.entries(series.privacy.findings)
            .sort((a, b) => b[1] - a[1])
            .map(([type, n]) => ({ key: type, label: type, value: n, color: 'var(--warn)' }))}
        />
      </div>
    </section>
  );
}
