/**
 * The soak benchmark's plot: RSS and V8 heap in use (MB) in the upper panel; in the lower one the p99 of
 * each sample window (ms) and Tandem's CPU per request (µs, divided by 10 to share the axis), over
 * seconds since the start. Plain SVG, no dependency, readable on GitHub
 * in light and dark themes (explicit white background).
 */

export interface SoakSample {
  /** Seconds since the load started, at the end of the window. */
  seconds: number;
  rssMb: number;
  heapMb: number;
  p99Ms: number;
  /** Requests finished in the window. */
  requests: number;
  /** Tandem's CPU time per request in the window (µs). */
  cpuPerRequestUs: number;
}

const WIDTH = 760;
const PANEL = 170;
const LEFT = 64;
const RIGHT = 150;
const TOP = 36;
const GAP = 44;

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}

interface Series {
  label: string;
  color: string;
  values: number[];
}

function panel(top: number, xs: number[], xMax: number, series: Series[], unit: string): string {
  const finite = series.flatMap((s) => s.values).filter(Number.isFinite);
  const yMax = niceMax(Math.max(...finite, 0) * 1.1);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (s: number): number => LEFT + (s / xMax) * plotWidth;
  const y = (v: number): number => top + PANEL - (v / yMax) * PANEL;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toPrecision(3))}</text>`);
  }
  parts.push(`<text x="14" y="${top + PANEL / 2}" transform="rotate(-90 14 ${top + PANEL / 2})" text-anchor="middle">${unit}</text>`);
  series.forEach((s, index) => {
    const points = xs
      .map((sx, i) => [sx, s.values[i] ?? Number.NaN] as const)
      .filter(([, v]) => Number.isFinite(v))
      .map(([sx, v]) => `${x(sx).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8" points="${points}"/>`);
    const ly = top + 14 + index * 18;
    parts.push(`<line x1="${WIDTH - RIGHT + 14}" x2="${WIDTH - RIGHT + 34}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - RIGHT + 40}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  parts.push(`<rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL}" fill="none" stroke="#888"/>`);
  return parts.join('\n');
}

export function soakSvg(samples: readonly SoakSample[], options: { title: string }): string {
  const xs = samples.map((s) => s.seconds);
  const xMax = niceMax(Math.max(...xs, 1));
  const height = TOP + 2 * PANEL + GAP + 40;
  const memory = panel(
    TOP,
    xs,
    xMax,
    [
      { label: 'RSS', color: '#1f77b4', values: samples.map((s) => s.rssMb) },
      { label: 'V8 heap in use', color: '#2ca02c', values: samples.map((s) => s.heapMb) },
    ],
    'MB',
  );
  const latencyTop = TOP + PANEL + GAP;
  const latency = panel(
    latencyTop,
    xs,
    xMax,
    [
      { label: 'p99 per window (ms)', color: '#d62728', values: samples.map((s) => s.p99Ms) },
      { label: 'CPU per request (µs/10)', color: '#9467bd', values: samples.map((s) => s.cpuPerRequestUs / 10) },
    ],
    'ms',
  );
  const plotWidth = WIDTH - LEFT - RIGHT;
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const s = (xMax * i) / 5;
    const tx = LEFT + (s / xMax) * plotWidth;
    ticks.push(`<text x="${tx.toFixed(1)}" y="${latencyTop + PANEL + 16}" text-anchor="middle">${Number(s.toPrecision(3))}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12" fill="#222">
<title>${escapeXml(options.title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>
${memory}
${latency}
${ticks.join('\n')}
<text x="${LEFT + plotWidth / 2}" y="${latencyTop + PANEL + 34}" text-anchor="middle">seconds since the start</text>
</svg>
`;
}
