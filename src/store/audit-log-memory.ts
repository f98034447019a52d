/** AuditLog in memory (store type `memory` and tests). Records are cloned in and out. */
import type { AuditLog, AuditRecord } from './audit-log.js';

export function memoryAuditLog(): AuditLog {
  const chains = new Map<string, AuditRecord[]>();
  const chain = (replicaId: string): AuditRecord[] => {
    let records = chains.get(replicaId);
    if (records === undefined) chains.set(replicaId, (records = []));
    return records;
  };
  return {
    async append(batch) {
      for (const record of batch) {
        const records = chain(record.replicaId);
        // Appends come in seq order, so only a seq at or below the newest can be taken.
        const newest = records[records.length - 1];
        if (newest !== undefined && record.seq <= newest.seq && records.some((r) => r.seq === record.seq)) {
          throw new Error(`audit record ${record.replicaId}#${record.seq} already exists`);
        }
      }
      for (const record of batch) {
        const records = chain(record.replicaId);
        records.push(structuredClone(record));
        // Appends come in seq order; sort only for one that does not (a test writing out of order).
        if (records.length > 1 && records[records.length - 2]!.seq > record.seq) records.sort((a, b) => a.seq - b.seq);
      }
    },
    async tip(replicaId) {
      const last = chains.get(replicaId)?.at(-1);
      return last === undefined ? undefined : structuredClone(last);
    },
    async replicas() {
      return [...chains.entries()]
        .filter(([, records]) => records.length > 0)
        .map(([id]) => id)
        .sort();
    },
    async read({ replicaId, afterSeq = 0, limit }) {
      return (chains.get(replicaId) ?? [])
        .filter((r) => r.seq > afterSeq)
        .slice(0, Math.max(0, Math.floor(limit)))
        .map((r) => structuredClone(r));
    },
    async lastSeqBefore({ replicaId, time }) {
      return (chains.get(replicaId) ?? []).filter((r) => r.recordedAt < time).reduce((max, r) => Math.max(max, r.seq), 0);
    },
    async deleteThrough({ replicaId, throughSeq }) {
      const records = chains.get(replicaId) ?? [];
      const kept = records.filter((r) => r.seq > throughSeq);
      chains.set(replicaId, kept);
      return records.length - kept.length;
    },
  };
}
