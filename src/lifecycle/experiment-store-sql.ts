/**
 * ExperimentStore over the `experiments` table (migration 012), as Kysely queries shared by SQLite and
 * PostgreSQL. `add` is one `column = column + delta` update per call, atomic on both, so replicas never
 * lose each other's observations.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ExperimentsTable, TandemDatabase } from '../store/database.js';
import type { ArmState, ExperimentState, ExperimentStatus, ExperimentStore } from './experiment-store.js';

type Arm = 'control' | 'candidate';

function armOf(row: Selectable<ExperimentsTable>, arm: Arm): ArmState {
  return {
    n: Number(row[`${arm}_n`]),
    sum: Number(row[`${arm}_sum`]),
    sumSq: Number(row[`${arm}_sum_sq`]),
    requests: Number(row[`${arm}_requests`]),
    errors: Number(row[`${arm}_errors`]),
    latencyMs: Number(row[`${arm}_latency_ms`]),
  };
}

function fromRow(row: Selectable<ExperimentsTable>): ExperimentState {
  return {
    name: row.name,
    route: row.route,
    control: row.control,
    candidate: row.candidate,
    metric: row.metric,
    status: row.status as ExperimentStatus,
    reason: row.reason,
    arms: { control: armOf(row, 'control'), candidate: armOf(row, 'candidate') },
    startedAt: Number(row.started_at),
    updatedAt: Number(row.updated_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
  };
}

function armColumns(arms: ExperimentState['arms']) {
  const { control: c, candidate: k } = arms;
  return {
    control_n: c.n,
    control_sum: c.sum,
    control_sum_sq: c.sumSq,
    control_requests: c.requests,
    control_errors: c.errors,
    control_latency_ms: c.latencyMs,
    candidate_n: k.n,
    candidate_sum: k.sum,
    candidate_sum_sq: k.sumSq,
    candidate_requests: k.requests,
    candidate_errors: k.errors,
    candidate_latency_ms: k.latencyMs,
  };
}

export function sqlExperimentStore(db: Kysely<TandemDatabase>): ExperimentStore {
  const get = async (name: string): Promise<ExperimentState | undefined> => {
    const row = await db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    return row && fromRow(row);
  };
  return {
    async save(state) {
      const values = {
        name: state.name,
        route: state.route,
        control: state.control,
        candidate: state.candidate,
        metric: state.metric,
        status: state.status,
        reason: state.reason,
        ...armColumns(state.arms),
        started_at: state.startedAt,
        updated_at: state.updatedAt,
        decided_at: state.decidedAt,
      };
      const { name: _name, ...update } = values;
      await db
        .insertInto('experiments')
        .values(values)
        .onConflict((oc) => oc.column('name').doUpdateSet(update))
        .execute();
    },
    get,
    async list() {
      const rows = await db.selectFrom('experiments').selectAll().orderBy('started_at', 'desc').orderBy('name').execute();
      return rows.map(fromRow);
    },
    async add(name, deltas, time) {
      const d = armColumns(deltas);
      await db
        .updateTable('experiments')
        .set((eb) => ({
          control_n: eb('control_n', '+', d.control_n),
          control_sum: eb('control_sum', '+', d.control_sum),
          control_sum_sq: eb('control_sum_sq', '+', d.control_sum_sq),
          control_requests: eb('control_requests', '+', d.control_requests),
          control_errors: eb('control_errors', '+', d.control_errors),
          control_latency_ms: eb('control_latency_ms', '+', d.control_latency_ms),
          candidate_n: eb('candidate_n', '+', d.candidate_n),
          candidate_sum: eb('candidate_sum', '+', d.candidate_sum),
          candidate_sum_sq: eb('candidate_sum_sq', '+', d.candidate_sum_sq),
          candidate_requests: eb('candidate_requests', '+', d.candidate_requests),
          candidate_errors: eb('candidate_errors', '+', d.candidate_errors),
          candidate_latency_ms: eb('candidate_latency_ms', '+', d.candidate_latency_ms),
          updated_at: time,
        }))
        .where('name', '=', name)
        .execute();
      return get(name);
    },
    async decide(name, decision) {
      const result = await db
        .updateTable('experiments')
        .set({ status: decision.status, reason: decision.reason, decided_at: decision.time, updated_at: decision.time })
        .where('name', '=', name)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
