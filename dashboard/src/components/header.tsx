/** Title bar: time range, live updates, theme. */
import { formatClock } from '../format.js';
import type { Theme } from '../theme.js';
import { TIME_RANGES } from '../time-range.js';

export interface HeaderProps {
  rangeKey: string;
  onRange: (key: string) => void;
  live: boolean;
  onLive: (live: boolean) => void;
  theme: Theme;
  onToggleTheme: () => void;
  updatedAt: number | null;
  loading: boolean;
}

export function Header(props: HeaderProps) {
  return (
    <header class="header">
      <h1>
        Tandem <span class="subtitle">where every request went</span>
      </h1>
      <div class="controls">
        {/* biome-ignore lint/a11y/useSemanticElements: a segmented control of toggle buttons, not a form fieldset (whose default border and legend it would have to undo) */}
        <div class="segmented" role="group" aria-label="Time range" data-testid="range">
          {TIME_RANGES.map((r) => (
            <button
              key={r.key}
              type="button"
              class={r.key === props.rangeKey ? 'active' : ''}
              aria-pressed={r.key === props.rangeKey}
              onClick={() => props.onRange(r.key)}
            >
              {r.label}
            </button>
          ))}
        </div>
        <label class="live" title="Refresh automatically (every 5 s; ?poll=<ms> to change)">
          <input type="checkbox" checked={props.live} onChange={(e) => props.onLive(e.currentTarget.checked)} data-testid="live" />
          <span class={`dot ${props.live ? 'on' : ''} ${props.loading ? 'busy' : ''}`} /> Live
        </label>
        <span class="updated" data-testid="updated">
          {props.updatedAt === null ? '' : `updated ${formatClock(props.updatedAt, true)}`}
        </span>
        <button
          type="button"
          class="theme-toggle"
          onClick={props.onToggleTheme}
          data-testid="theme-toggle"
          aria-label={`Switch to ${props.theme === 'dark' ? 'light' : 'dark'} mode`}
        >
          {props.theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </div>
    </header>
  );
}
