/**
 * A flow's steps on a timeline (docs/flows.md): one row per step, a bar from when it started to when it
 * ended on the request's own time axis (0 = the request's arrival, the right edge = its total time), so
 * parallel subtasks show side by side and the final step's start shows what triage or planning cost.
 */
import type { RequestDetail } from '../api.js';
import { formatCost, formatMs } from '../format.js';

type Step = NonNullable<RequestDetail['steps']>[number];

export function FlowTimeline(props: { steps: readonly Step[]; totalMs: number }) {
  const span = Math.max(props.totalMs, ...props.steps.map((s) => s.startMs + s.durationMs), 1);
  const pct = (ms: number): string => `${Math.max(0, Math.min(100, (ms / span) * 100)).toFixed(2)}%`;
  return (
    <div class="flow-timeline" data-testid="detail-flow-steps">
      {props.steps.map((s) => (
        <div class="flow-step" key={s.index} data-step={s.step} data-status={s.status}>
          <div class="flow-step-label">
            <span class="mono">{s.step}</span> <span class="muted small">{s.model ?? '–'}</span>
          </div>
          <div class="flow-step-track" title={`${s.step}: ${s.status}${s.error === null ? '' : ` (${s.error})`}`}>
            <div class={`flow-step-bar ${s.status}`} style={{ left: pct(s.startMs), width: pct(Math.max(s.durationMs, span / 200)) }} />
          </div>
          <div class="flow-step-facts small">
            {`${formatMs(s.durationMs)} · ${s.inputTokens} in / ${s.outputTokens} out · ${formatCost(s.cost)}${s.status === 'ok' ? '' : ` · ${s.status}`}`}
          </div>
        </div>
      ))}
      <div class="flow-step-axis small muted">
        <span>0</span>
        <span>{formatMs(span)}</span>
      </div>
    </div>
  );
}
