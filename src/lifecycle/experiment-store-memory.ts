/** ExperimentStore in memory (store type `memory` and tests); states are copied in and out. */
import { addArm, type ExperimentState, type ExperimentStore } from './experiment-store.js';

export function memoryExperimentStore(): ExperimentStore {
  const rows = new Map<string, ExperimentState>();
  return {
    async save(state) {
      rows.set(state.name, structuredClone(state));
    },
    async get(name) {
      const row = rows.get(name);
      return row && structuredClone(row);
    },
    async list() {
      return [...rows.values()].sort((a, b) => b.startedAt - a.startedAt || (a.name < b.name ? -1 : 1)).map((r) => structuredClone(r));
    },
    async add(name, deltas, time) {
      const row = rows.get(name);
      if (!row) return undefined;
      addArm(row.arms.control, deltas.control);
      addArm(row.arms.candidate, deltas.candidate);
      row.updatedAt = time;
      return structuredClone(row);
    },
    async decide(name, decision) {
      const row = rows.get(name);
      if (row?.status !== 'running') return false;
      Object.assign(row, { status: decision.status, reason: decision.reason, decidedAt: decision.time, updatedAt: decision.time });
      return true;
    },
  };
}
