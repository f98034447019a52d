/**
 * The frame every time chart shares: a fixed viewBox (the SVG scales with its card), a y axis with nice
 * round ticks, and a time axis labelled at a few bucket starts. Hand-written SVG keeps the bundle small
 * and the charts inspectable (docs/decisions/dashboard-build.md).
 */
import type { ComponentChildren } from 'preact';
import { formatClock } from '../format.js';

export const WIDTH = 640;
export const HEIGHT = 220;
export const MARGIN = { left: 64, right: 12, top: 10, bottom: 24 };
export const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
export const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** A maximum at or above `max` with a round step, so axis labels read well. */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.25 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  return { max: step * Math.ceil(max / step), step };
}

export interface ChartFrameProps {
  testId: string;
  label: string;
  starts: readonly number[];
  bucketMs: number;
  yMax: number;
  yStep: number;
  /** Formats a tick; `step` is the tick spacing, for choosing decimals. */
  formatY: (value: number, step: number) => string;
  children: ComponentChildren;
  /** Extra data-* attributes the tests read. */
  data?: Record<string, string | number>;
}

export function ChartFrame(props: ChartFrameProps) {
  const yTicks: number[] = [];
  for (let v = 0; v <= props.yMax + props.yStep / 2; v += props.yStep) yTicks.push(v);
  const n = props.starts.length;
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  const withSeconds = props.bucketMs < 60_000;
  const dataAttributes = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label} data-testid={props.testId} {...dataAttributes}>
      {yTicks.map((v) => {
        const y = MARGIN.top + PLOT_H - (v / props.yMax) * PLOT_H;
        return (
          <g key={v} class="grid">
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y} y2={y} />
            <text x={MARGIN.left - 6} y={y + 4} text-anchor="end">
              {props.formatY(v, props.yStep)}
            </text>
          </g>
        );
      })}
      {props.starts.map((start, i) =>
        i % labelEvery === 0 ? (
          <text key={start} class="axis-label" x={MARGIN.left + ((i + 0.5) / n) * PLOT_W} y={HEIGHT - 6} text-anchor="middle">
            {formatClock(start, withSeconds)}
          </text>
        ) : null,
      )}
      {props.children}
    </svg>
  );
}
