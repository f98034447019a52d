/** Plain-text output for the CLI: tables with columns padded to their widest cell and numbers right-aligned, local times. */

export interface TableColumn {
  header: string;
  /** `right` for numbers, so digits line up; default `left`. */
  align?: 'left' | 'right';
}

export interface TableOptions {
  columns: readonly TableColumn[];
  rows: ReadonlyArray<readonly string[]>;
  /** Rows printed after a rule, e.g. a total line. */
  footer?: ReadonlyArray<readonly string[]>;
  /** Spaces between columns (default 2). */
  gap?: number;
}

/** Returns the table as lines joined with `\n`, without a trailing newline; trailing spaces are trimmed. */
export function formatTable(options: TableOptions): string {
  const { columns } = options;
  const footer = options.footer ?? [];
  const all = [columns.map((c) => c.header), ...options.rows, ...footer];
  const widths = columns.map((_, i) => Math.max(...all.map((row) => displayWidth(row[i] ?? ''))));
  const gap = ' '.repeat(options.gap ?? 2);
  const line = (row: readonly string[]): string =>
    columns
      .map((column, i) => pad(row[i] ?? '', widths[i] ?? 0, column.align ?? 'left'))
      .join(gap)
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(gap);
  const lines = [line(all[0] ?? []), rule, ...options.rows.map(line)];
  if (footer.length > 0) lines.push(rule, ...footer.map(line));
  return lines.join('\n');
}

/** Shortens text to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Cuts the middle out of a long text, so both its start and its end (e.g. the model that answered) stay. */
export function truncateMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = Math.floor((max - 1) / 3);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

/** `YYYY-MM-DD HH:MM:SS` in the local time zone: what someone reading their own gateway's log expects. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => n.toString().padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// Code points, not UTF-16 units, so "…" and "✓" count as one column.
function displayWidth(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}
