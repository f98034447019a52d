/** AuditLog over the `audit_log` table (migration 004), as Kysely queries shared by every SQL backend. */
import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, TandemDatabase } from './database.js';
import type { AuditChange, AuditCheckpoint, AuditEntry, AuditLog, AuditRecord } from './audit-log.js';

/** 7 columns each: 7,000 parameters per statement, well under PostgreSQL's limit. */
const ROWS_PER_INSERT = 1_000;

export function sqlAuditLog(db: Kysely<TandemDatabase>): AuditLog {
  return {
    async append(records) {
      const rows = records.map(toAuditRow);
      // One multi-row INSERT is a single statement, so all rows or none; a batch too big for one statement's
      // parameters (PostgreSQL allows 65,535) is split inside a transaction instead.
      if (rows.length <= ROWS_PER_INSERT) {
        if (rows.length > 0) await db.insertInto('audit_log').values(rows).execute();
        return;
      }
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          await trx
            .insertInto('audit_log')
            .values(rows.slice(i, i + ROWS_PER_INSERT))
            .execute();
        }
      });
    },
    async tip(replicaId) {
      const row = await db.selectFrom('audit_log').selectAll().where('replica_id', '=', replicaId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? undefined : fromAuditRow(row);
    },
    async replicas() {
      const rows = await db.selectFrom('audit_log').select('replica_id').distinct().orderBy('replica_id').execute();
      return rows.map((r) => r.replica_id);
    },
    async read({ replicaId, afterSeq = 0, limit }) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('replica_id', '=', replicaId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map(fromAuditRow);
    },
    async lastSeqBefore({ replicaId, time }) {
      const row = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
        .where('replica_id', '=', replicaId)
        .where('recorded_at', '<', time)
        .executeTakeFirst();
      return Number(row?.seq ?? 0);
    },
    async deleteThrough({ replicaId, throughSeq }) {
      const result = await db.deleteFrom('audit_log').where('replica_id', '=', replicaId).where('seq', '<=', throughSeq).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** Column order of the insert; the SQLite store binds a raw prepared statement by these names. */
export const auditColumns = ['replica_id', 'seq', 'recorded_at', 'kind', 'body', 'prev_hash', 'hash'] as const;

export function toAuditRow(record: AuditRecord): Selectable<AuditLogTable> {
  return {
    replica_id: record.replicaId,
    seq: record.seq,
    recorded_at: record.recordedAt,
    kind: record.kind,
    body: JSON.stringify(record.kind === 'request' ? record.entry : record.kind === 'change' ? (record.change ?? null) : record.checkpoint),
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

function fromAuditRow(row: Selectable<AuditLogTable>): AuditRecord {
  const kind = row.kind === 'checkpoint' || row.kind === 'change' ? row.kind : 'request';
  const body: unknown = JSON.parse(row.body);
  return {
    replicaId: row.replica_id,
    seq: Number(row.seq),
    recordedAt: Number(row.recorded_at),
    kind,
    entry: kind === 'request' ? (body as AuditEntry) : null,
    checkpoint: kind === 'checkpoint' ? (body as AuditCheckpoint) : null,
    ...(kind === 'change' ? { change: body as AuditChange } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
