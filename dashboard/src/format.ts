/** Number and time formatting shared by the charts and tables. */

export function formatCost(dollars: number): string {
  if (dollars === 0) return '$0';
  const abs = Math.abs(dollars);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return `${dollars < 0 ? '-' : ''}$${abs.toFixed(digits)}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms >= 100 ? Math.round(ms) : ms.toFixed(1)} ms`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(fraction !== 0 && Math.abs(fraction) < 0.1 ? 1 : 0)}%`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatClock(time: number, withSeconds = false): string {
  const d = new Date(time);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
}

export function formatDateTime(time: number): string {
  const d = new Date(time);
  return `${d.toLocaleDateString('en-CA')} ${formatClock(time, true)}`;
}

/** The fewest decimals that show every multiple of `step` exactly (0.25 -> 2, 0.0001 -> 4). */
export function tickDecimals(step: number): number {
  for (let d = 0; d < 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * scaled) return d;
  }
  return 12;
}
