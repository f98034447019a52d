/**
 * The audit log on PostgreSQL, through the outage guard: a batch of chain records that cannot be
 * committed goes to the spool as one entry and is replayed in order, with `on conflict do nothing` (a
 * batch the database committed after all is skipped). The gateway's answer therefore never waits on, or
 * loses, its audit record during an outage.
 *
 * The chain reads its tip from the store once (audit-chain.ts); a replica whose first audited request
 * comes during an outage must still link to the right record, so the tips are read at start-up and kept
 * current with every append, and an outage answers tip() from them.
 */
import type { Kysely } from 'kysely';
import type { AuditLog, AuditRecord } from '../audit-log.js';
import { sqlAuditLog, toAuditRow } from '../audit-log-sql.js';
import type { TandemDatabase } from '../database.js';
import { outageErrorsAs503 } from './outage-errors-as-503.js';
import { isPostgresUnavailable } from './postgres-errors.js';
import type { PostgresOutageGuard } from './postgres-outage-guard.js';

/** 7 columns each: well under PostgreSQL's 65,535 parameters per statement. */
const REPLAY_ROWS_PER_INSERT = 1_000;

export interface PostgresAuditLog extends AuditLog {
  /** Writes spooled batches (JSON arrays of AuditRecord), skipping records already stored. */
  replay(bodies: readonly string[]): Promise<ReadonlyArray<Error | undefined>>;
}

export async function openPostgresAuditLog(options: { db: Kysely<TandemDatabase>; guard: () => PostgresOutageGuard }): Promise<PostgresAuditLog> {
  const { db } = options;
  const inner = sqlAuditLog(db);
  const tips = new Map<string, AuditRecord>();
  for (const replicaId of await inner.replicas()) {
    const tip = await inner.tip(replicaId);
    if (tip !== undefined) tips.set(replicaId, tip);
  }
  const remember = (records: readonly AuditRecord[]): void => {
    const last = records.at(-1);
    const known = last === undefined ? undefined : tips.get(last.replicaId);
    if (last !== undefined && (known === undefined || known.seq < last.seq)) tips.set(last.replicaId, last);
  };

  return {
    ...outageErrorsAs503(inner),
    async append(records) {
      await options.guard().write(
        () => ({ kind: 'audit', body: JSON.stringify(records) }),
        () => inner.append(records),
      );
      remember(records);
    },
    async tip(replicaId) {
      let stored: AuditRecord | undefined;
      try {
        stored = await inner.tip(replicaId);
      } catch (error) {
        if (!isPostgresUnavailable(error)) throw error;
        // Nothing but this process writes this replica's chain (one chain per replica id), so what it
        // read at start-up (every replica's tip) plus what it appended since is the tip; none: genesis.
        return tips.get(replicaId);
      }
      const known = tips.get(replicaId);
      // Records still in the spool are newer than the database's tip.
      return known !== undefined && (stored === undefined || known.seq > stored.seq) ? known : stored;
    },
    async replay(bodies) {
      const batches = bodies.map((body) => JSON.parse(body) as AuditRecord[]);
      const insert = async (records: readonly AuditRecord[], into: Kysely<TandemDatabase>): Promise<void> => {
        for (let i = 0; i < records.length; i += REPLAY_ROWS_PER_INSERT) {
          await into
            .insertInto('audit_log')
            .values(records.slice(i, i + REPLAY_ROWS_PER_INSERT).map(toAuditRow))
            .onConflict((oc) => oc.columns(['replica_id', 'seq']).doNothing())
            .execute();
        }
      };
      // One transaction for the whole chunk: replaying hundreds of batches one commit each took seconds.
      try {
        await db.transaction().execute((trx) => insert(batches.flat(), trx));
        return batches.map(() => undefined);
      } catch (error) {
        if (isPostgresUnavailable(error)) throw error;
      }
      // Something in the chunk is refused: batch by batch, so only that batch is set aside.
      const outcomes: Array<Error | undefined> = [];
      for (const records of batches) {
        try {
          await insert(records, db);
          outcomes.push(undefined);
        } catch (error) {
          if (isPostgresUnavailable(error)) throw error;
          outcomes.push(error instanceof Error ? error : new Error(String(error)));
        }
      }
      return outcomes;
    },
  };
}
