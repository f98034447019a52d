/**
 * The child rows of a flow (docs/flows.md): one per step a flow ran (triage, an action, a subtask, the
 * synthesis, a fallback), each naming its parent request's id. They live in their own table, not in
 * `requests`, so every sum over the request log (stats, budgets rebuilt from the log, the dashboard's
 * rollups) counts a flow once, through its parent row, whose cost is the sum of its steps.
 */

export interface FlowStepRecord {
  /** The parent request's id (its row in `requests`). */
  parentId: string;
  /** When the parent request arrived (ms since the epoch): retention deletes a flow's steps with its row. */
  parentTime: number;
  /** Order within the flow, from 0 (the order steps started in). */
  index: number;
  /** `triage`, `repair`, `action:<intent>`, `fallback`, `plan`, `subtask:<n>`, `synthesise`. */
  step: string;
  /** The model that answered (or last failed); null when the step never reached one. */
  model: string | null;
  /** ok, failed, timeout, skipped (not started: the budget's reservation could not cover it), cancelled. */
  status: 'ok' | 'failed' | 'timeout' | 'skipped' | 'cancelled';
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  cost: number;
  /** Milliseconds from the flow's request arriving to this step starting. */
  startMs: number;
  durationMs: number;
  ttftMs: number | null;
  /** What the privacy policy did to this step's own input: none, local-only, pseudonymised, detected. */
  privacy: string | null;
  error: string | null;
}

export interface FlowStepLog {
  /** Records the steps of one flow; awaited before the parent's last byte reaches the client. */
  append(steps: readonly FlowStepRecord[]): Promise<void>;
  /** The steps of these parents, by parent id, each list in step order. */
  forParents(parentIds: readonly string[]): Promise<Map<string, FlowStepRecord[]>>;
  /** Retention, like the request log: deletes the steps of flows whose parent arrived before `time`. */
  deleteBefore(time: number): Promise<number>;
}
