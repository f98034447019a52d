/**
 * Charts as SVG strings, for a report that must open offline as one file: no script, no fonts, no
 * network. Colours match the dashboard's palette (dashboard/src/palette.ts: local green, cloud blue).
 */

export const COLORS = { local: '#16a34a', cloud: '#2563eb', other: '#9ca3af', cost: '#2563eb', baseline: '#d97706', savings: '#16a34a33' };

const WIDTH = 720;
const HEIGHT = 240;
const PAD = { left: 64, right: 16, top: 16, bottom: 36 };

export interface Series {
  label: string;
  color: string;
  values: readonly number[];
}

/** Lines over time; when `fillBetween` names two series, the area between them is shaded (savings). */
export function lineChart(options: {
  title: string;
  times: readonly number[];
  series: readonly Series[];
  formatValue: (v: number) => string;
  fillBetween?: [number, number];
}): string {
  const { times, series } = options;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i: number): number => PAD.left + (times.length <= 1 ? 0 : (i / (times.length - 1)) * (WIDTH - PAD.left - PAD.right));
  const y = (v: number): number => HEIGHT - PAD.bottom - (max === 0 ? 0 : (v / max) * (HEIGHT - PAD.top - PAD.bottom));
  const path = (values: readonly number[]): string => values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  let fill = '';
  if (options.fillBetween) {
    const [a, b] = options.fillBetween.map((i) => series[i]?.values ?? []) as [readonly number[], readonly number[]];
    const back = b.map((v, i) => ({ v, i })).reverse();
    fill = `<path d="${path(a)}${back.map(({ v, i }) => `L${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('')}Z" fill="${COLORS.savings}" stroke="none"/>`;
  }
  const lines = series
    .map((s) => `<path d="${path(s.values)}" fill="none" stroke="${s.color}" stroke-width="2"><title>${escapeXml(s.label)}</title></path>`)
    .join('');
  return frame({ title: options.title, max, formatValue: options.formatValue, times, body: fill + lines, legend: series });
}

/** Stacked bars per time bucket (e.g. local / cloud requests). */
export function stackedBarChart(options: { title: string; times: readonly number[]; series: readonly Series[]; formatValue: (v: number) => string }): string {
  const { times, series } = options;
  const totals = times.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, times.length);
  const barWidth = Math.max(1, slot * 0.8);
  const scale = (v: number): number => (max === 0 ? 0 : (v / max) * (HEIGHT - PAD.top - PAD.bottom));
  const bars: string[] = [];
  times.forEach((time, i) => {
    let base = HEIGHT - PAD.bottom;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const h = scale(v);
      base -= h;
      bars.push(
        `<rect x="${(PAD.left + i * slot + (slot - barWidth) / 2).toFixed(1)}" y="${base.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${s.label} ${formatTime(time)}: ${options.formatValue(v)}`)}</title></rect>`,
      );
    }
  });
  return frame({ title: options.title, max, formatValue: options.formatValue, times, body: bars.join(''), legend: series, barAxis: true });
}

/** Horizontal bars, one per item (e.g. requests per model). */
export function barList(options: {
  title: string;
  items: ReadonlyArray<{ label: string; value: number; color: string }>;
  formatValue: (v: number) => string;
}): string {
  const rowHeight = 26;
  const height = PAD.top + options.items.length * rowHeight + 8;
  const max = Math.max(0, ...options.items.map((i) => i.value));
  const labelWidth = 200;
  const bars = options.items
    .map((item, i) => {
      const y = PAD.top + i * rowHeight;
      const w = max === 0 ? 0 : (item.value / max) * (WIDTH - labelWidth - 120);
      return (
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeXml(item.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="16" fill="${item.color}"/>` +
        `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 16}">${escapeXml(options.formatValue(item.value))}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${escapeXml(options.title)}</figcaption><svg role="img" aria-label="${escapeXml(options.title)}" viewBox="0 0 ${WIDTH} ${height}" width="100%">${bars}</svg></figure>`;
}

function frame(options: {
  title: string;
  max: number;
  formatValue: (v: number) => string;
  times: readonly number[];
  body: string;
  legend: readonly Series[];
  barAxis?: boolean;
}): string {
  const grid: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (options.max * k) / 4;
    const y = HEIGHT - PAD.bottom - (k / 4) * (HEIGHT - PAD.top - PAD.bottom);
    grid.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/>`);
    grid.push(`<text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${escapeXml(options.formatValue(v))}</text>`);
  }
  const { times } = options;
  const labels = [0, Math.floor((times.length - 1) / 2), times.length - 1].filter((v, i, a) => v >= 0 && a.indexOf(v) === i);
  const span = WIDTH - PAD.left - PAD.right;
  for (const i of labels) {
    const x = options.barAxis
      ? PAD.left + (i + 0.5) * (span / Math.max(1, times.length))
      : PAD.left + (times.length <= 1 ? 0 : (i / (times.length - 1)) * span);
    const anchor = i === 0 ? 'start' : i === times.length - 1 ? 'end' : 'middle';
    grid.push(`<text x="${x.toFixed(1)}" y="${HEIGHT - 12}" text-anchor="${anchor}">${escapeXml(formatTime(times[i] ?? 0))}</text>`);
  }
  const legend = options.legend.map((s) => `<span class="key"><i style="background:${s.color}"></i>${escapeXml(s.label)}</span>`).join('');
  return (
    `<figure><figcaption>${escapeXml(options.title)}</figcaption>` +
    `<svg role="img" aria-label="${escapeXml(options.title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%">${grid.join('')}${options.body}</svg>` +
    `<div class="legend">${legend}</div></figure>`
  );
}

/** 0, or a round number at or above `v` whose quarters are tidy too (the axis has five ticks). */
function niceMax(v: number): number {
  if (v <= 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 4, 8, 10].map((m) => m * magnitude).find((m) => m >= v) ?? v;
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
