/** Stacked bars per time bucket, one colour per series (a model, or local/cloud). */
import { ChartFrame, MARGIN, PLOT_H, PLOT_W, niceScale } from './chart-frame.js';
import { formatClock, formatCount } from '../format.js';

export interface BarSeries {
  key: string;
  label: string;
  color: string;
}

export interface StackedBarChartProps {
  testId: string;
  label: string;
  bucketMs: number;
  buckets: ReadonlyArray<{ start: number; values: Readonly<Record<string, number>> }>;
  series: readonly BarSeries[];
}

export function StackedBarChart(props: StackedBarChartProps) {
  const totals = props.buckets.map((b) => props.series.reduce((sum, s) => sum + (b.values[s.key] ?? 0), 0));
  const { max, step } = niceScale(Math.max(0, ...totals));
  const n = props.buckets.length;
  const slot = PLOT_W / Math.max(1, n);
  const barW = Math.max(1, slot * 0.8);
  const grandTotal = totals.reduce((a, b) => a + b, 0);
  return (
    <ChartFrame
      testId={props.testId}
      label={props.label}
      starts={props.buckets.map((b) => b.start)}
      bucketMs={props.bucketMs}
      yMax={max}
      yStep={step}
      formatY={(v) => formatCount(Math.round(v))}
      data={{ total: grandTotal }}
    >
      {props.buckets.map((bucket, i) => {
        let y = MARGIN.top + PLOT_H;
        return (
          <g key={bucket.start}>
            {props.series.map((s) => {
              const value = bucket.values[s.key] ?? 0;
              if (value === 0) return null;
              const h = (value / max) * PLOT_H;
              y -= h;
              return (
                <rect
                  key={s.key}
                  class="bar"
                  x={MARGIN.left + i * slot + (slot - barW) / 2}
                  y={y}
                  width={barW}
                  height={h}
                  fill={s.color}
                  data-series={s.key}
                  data-value={value}
                >
                  <title>{`${formatClock(bucket.start, props.bucketMs < 60_000)} · ${s.label}: ${formatCount(value)}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
    </ChartFrame>
  );
}
