/** FlowStepLog in memory, for `store: memory` and tests: copies in and out, like the memory request log. */
import type { FlowStepLog, FlowStepRecord } from './flow-steps.js';

export function memoryFlowStepLog(): FlowStepLog {
  const byParent = new Map<string, { time: number; steps: FlowStepRecord[] }>();
  return {
    async append(steps) {
      for (const step of steps) {
        const entry = byParent.get(step.parentId) ?? { time: step.parentTime, steps: [] };
        if (entry.steps.some((s) => s.index === step.index)) throw new Error(`step ${step.index} of ${step.parentId} is already logged`);
        entry.steps.push({ ...step });
        entry.steps.sort((a, b) => a.index - b.index);
        byParent.set(step.parentId, entry);
      }
    },
    async forParents(parentIds) {
      const out = new Map<string, FlowStepRecord[]>();
      for (const id of parentIds) {
        const entry = byParent.get(id);
        if (entry)
          out.set(
            id,
            entry.steps.map((s) => ({ ...s })),
          );
      }
      return out;
    },
    async deleteBefore(time) {
      let deleted = 0;
      for (const [id, entry] of byParent) {
        if (entry.time >= time) continue;
        deleted += entry.steps.length;
        byParent.delete(id);
      }
      return deleted;
    },
  };
}
