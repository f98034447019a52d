/**
 * The child rows of a flow under its parent in `tandem logs` (docs/flows.md): one indented row per step,
 * `├` / `└` drawing the tree, in the same columns as the requests (the status column holds the step's
 * status: ok, failed, timeout, skipped, cancelled; `total ms` its duration, `ttft ms` when it started
 * streaming or answered).
 */
import type { FlowStepRecord } from '../store/flow-steps.js';

export function flowStepRows(steps: readonly FlowStepRecord[]): string[][] {
  return steps.map((s, i) => [
    '',
    `${i === steps.length - 1 ? '└' : '├'} ${s.step}`,
    `+${Math.round(s.startMs)} ms`,
    s.model ?? '(none)',
    s.error === null ? (s.privacy !== null && s.privacy !== 'none' ? `privacy: ${s.privacy}` : '') : s.error.slice(0, 64),
    `${s.tokensEstimated ? '~' : ''}${s.inputTokens}`,
    `${s.tokensEstimated ? '~' : ''}${s.outputTokens}`,
    s.cost.toFixed(6),
    s.ttftMs === null ? '-' : Math.round(s.ttftMs).toString(),
    Math.round(s.durationMs).toString(),
    s.status,
    '',
  ]);
}
