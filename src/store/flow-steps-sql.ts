/** FlowStepLog over `request_steps` (migration 013), as Kysely queries shared by SQLite and PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import type { RequestStepsTable, TandemDatabase } from './database.js';
import type { FlowStepLog, FlowStepRecord } from './flow-steps.js';

export function sqlFlowStepLog(db: Kysely<TandemDatabase>): FlowStepLog {
  return {
    async append(steps) {
      if (steps.length === 0) return;
      await db.insertInto('request_steps').values(steps.map(toRow)).execute();
    },
    async forParents(parentIds) {
      const out = new Map<string, FlowStepRecord[]>();
      if (parentIds.length === 0) return out;
      const rows = await db
        .selectFrom('request_steps')
        .selectAll()
        .where('parent_id', 'in', [...parentIds])
        .orderBy('parent_id')
        .orderBy('step_index')
        .execute();
      for (const row of rows) {
        const list = out.get(row.parent_id) ?? [];
        list.push(fromRow(row));
        out.set(row.parent_id, list);
      }
      return out;
    },
    async deleteBefore(time) {
      const result = await db.deleteFrom('request_steps').where('parent_time', '<', time).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** Column order of a step insert (the SQLite store's raw prepared statement binds by these names). */
export const stepColumns = [
  'parent_id',
  'step_index',
  'parent_time',
  'step',
  'model',
  'status',
  'input_tokens',
  'output_tokens',
  'tokens_estimated',
  'cost',
  'start_ms',
  'duration_ms',
  'ttft_ms',
  'privacy',
  'error',
] as const satisfies ReadonlyArray<keyof RequestStepsTable>;

export function toRow(step: FlowStepRecord): RequestStepsTable {
  return {
    parent_id: step.parentId,
    step_index: step.index,
    parent_time: step.parentTime,
    step: step.step,
    model: step.model,
    status: step.status,
    input_tokens: step.inputTokens,
    output_tokens: step.outputTokens,
    tokens_estimated: step.tokensEstimated ? 1 : 0,
    cost: step.cost,
    start_ms: step.startMs,
    duration_ms: step.durationMs,
    ttft_ms: step.ttftMs,
    privacy: step.privacy,
    error: step.error,
  };
}

function fromRow(row: Selectable<RequestStepsTable>): FlowStepRecord {
  return {
    parentId: row.parent_id,
    parentTime: Number(row.parent_time),
    index: Number(row.step_index),
    step: row.step,
    model: row.model,
    status: row.status as FlowStepRecord['status'],
    // Number(): PostgreSQL drivers return bigint columns as strings.
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    tokensEstimated: Boolean(row.tokens_estimated),
    cost: Number(row.cost),
    startMs: Number(row.start_ms),
    durationMs: Number(row.duration_ms),
    ttftMs: row.ttft_ms === null ? null : Number(row.ttft_ms),
    privacy: row.privacy,
    error: row.error,
  };
}
