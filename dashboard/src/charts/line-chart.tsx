/** Lines over time buckets; gaps (null) break a line. Optionally shades the area between two series. */
import { ChartFrame, MARGIN, PLOT_H, PLOT_W, niceScale } from './chart-frame.js';

export interface LineSeries {
  key: string;
  label: string;
  color: string;
  values: ReadonlyArray<number | null>;
  dashed?: boolean;
}

export interface LineChartProps {
  testId: string;
  label: string;
  bucketMs: number;
  starts: readonly number[];
  series: readonly LineSeries[];
  formatY: (value: number) => string;
  /** Tick labels; defaults to formatY. */
  formatTick?: (value: number, step: number) => string;
  /** Shade between these two series (e.g. baseline above cost = savings). */
  band?: { upper: string; lower: string; color: string };
}

export function LineChart(props: LineChartProps) {
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const { max, step } = niceScale(Math.max(0, ...all));
  const n = props.starts.length;
  const x = (i: number): number => MARGIN.left + ((i + 0.5) / Math.max(1, n)) * PLOT_W;
  const y = (v: number): number => MARGIN.top + PLOT_H - (v / max) * PLOT_H;
  const upper = props.series.find((s) => s.key === props.band?.upper);
  const lower = props.series.find((s) => s.key === props.band?.lower);
  let band: string | null = null;
  if (props.band && upper && lower) {
    const top = upper.values.map((v, i) => `${x(i)},${y(v ?? 0)}`);
    const bottom = lower.values.map((v, i) => `${x(i)},${y(v ?? 0)}`).reverse();
    band = [...top, ...bottom].join(' ');
  }
  return (
    <ChartFrame
      testId={props.testId}
      label={props.label}
      starts={props.starts}
      bucketMs={props.bucketMs}
      yMax={max}
      yStep={step}
      formatY={props.formatTick ?? props.formatY}
    >
      {band !== null && props.band ? <polygon points={band} style={{ fill: props.band.color }} class="band" /> : null}
      {props.series.map((s) => (
        <g key={s.key} data-series={s.key}>
          {segments(s.values).map((segment) => (
            <polyline
              key={segment[0]}
              class="line"
              style={{ fill: 'none', stroke: s.color }}
              stroke-dasharray={s.dashed ? '6 4' : undefined}
              points={segment.map((i) => `${x(i)},${y(s.values[i] ?? 0)}`).join(' ')}
            />
          ))}
          {s.values.map((v, i) =>
            v === null || (n > 24 && v === s.values[i - 1]) ? null : (
              <circle key={i} cx={x(i)} cy={y(v)} r={n > 60 ? 1.5 : 2.5} style={{ fill: s.color }}>
                <title>{`${s.label}: ${props.formatY(v)}`}</title>
              </circle>
            ),
          )}
        </g>
      ))}
    </ChartFrame>
  );
}

/** Runs of consecutive non-null indexes. */
function segments(values: ReadonlyArray<number | null>): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length > 0) runs.push(run);
  return runs;
}
