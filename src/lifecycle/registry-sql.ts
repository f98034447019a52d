/**
 * ArtifactRegistry over `registry_artifacts`, `registry_artifact_parts` and `registry_events` (migration
 * 010), as Kysely queries shared by SQLite and PostgreSQL.
 *
 * Atomicity: on PostgreSQL a status change (retire the live version, make the target live, write the
 * events) is one transaction. On SQLite no transaction spans awaits, because the request writer shares
 * the connection and would find its own BEGIN inside ours; the statements run back to back, the partial
 * unique index still allows at most one live version, and the event (the change counter) is written last,
 * so a replica that sees the counter move reads the finished state.
 */
import { createHash } from 'node:crypto';
import { SqliteAdapter, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { RegistryArtifactsTable, RegistryEventsTable, TandemDatabase } from '../store/database.js';
import type {
  ArtifactEntry,
  ArtifactKind,
  ArtifactRegistry,
  ArtifactStatus,
  RegistryAction,
  RegistryEvent,
  StatusChange,
  TrainingProvenance,
} from './artifact-registry.js';

/** Size of one stored part of an artifact. */
const PART_BYTES = 256 * 1024;

type Db = Kysely<TandemDatabase> | Transaction<TandemDatabase>;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sqlArtifactRegistry(db: Kysely<TandemDatabase>): ArtifactRegistry {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const atomically = <T>(body: (tx: Db) => Promise<T>): Promise<T> => (sqlite ? body(db) : db.transaction().execute(body));

  const liveRow = (tx: Db, kind: ArtifactKind, name: string) =>
    tx.selectFrom('registry_artifacts').selectAll().where('kind', '=', kind).where('name', '=', name).where('status', '=', 'live').executeTakeFirst();

  const insertEvent = async (tx: Db, event: Omit<RegistryEvent, 'seq'>): Promise<RegistryEvent> => {
    const row = await tx
      .insertInto('registry_events')
      .values({
        time: event.time,
        kind: event.kind,
        name: event.name,
        version: event.version,
        action: event.action,
        from_status: event.fromStatus,
        to_status: event.toStatus,
        actor: event.actor,
        reason: event.reason,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return { ...event, seq: Number(row.seq) };
  };

  return {
    async register(artifact, by) {
      const { kind, name, bytes } = artifact;
      // Parts count too: a register that died after its parts and before its row left them behind.
      const highest = async (): Promise<number> => {
        const rows = await db
          .selectFrom('registry_artifacts')
          .select((eb) => eb.fn.max<number | null>('version').as('v'))
          .where('kind', '=', kind)
          .where('name', '=', name)
          .executeTakeFirst();
        const parts = await db
          .selectFrom('registry_artifact_parts')
          .select((eb) => eb.fn.max<number | null>('version').as('v'))
          .where('kind', '=', kind)
          .where('name', '=', name)
          .executeTakeFirst();
        return Math.max(Number(rows?.v ?? 0), Number(parts?.v ?? 0));
      };
      const top = await highest();
      if (artifact.version !== undefined && artifact.version <= top) {
        throw new Error(`${kind}/${name} already has version ${top}; a registered version must be higher than ${top}`);
      }
      const version = artifact.version ?? top + 1;
      for (let part = 0; part * PART_BYTES < bytes.length; part++) {
        // SQLite writes synchronously: one part per turn of the event loop keeps requests flowing meanwhile.
        if (part > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const slice = bytes.subarray(part * PART_BYTES, (part + 1) * PART_BYTES);
        await db
          .insertInto('registry_artifact_parts')
          .values({ kind, name, version, part, bytes: Buffer.from(slice.buffer, slice.byteOffset, slice.length) })
          .execute();
      }
      const entry: ArtifactEntry = {
        kind,
        name,
        version,
        sha256: sha256Hex(bytes),
        size: bytes.length,
        createdAt: artifact.createdAt,
        status: 'candidate',
        updatedAt: by.time,
        provenance: artifact.provenance,
        metrics: artifact.metrics,
      };
      await atomically(async (tx) => {
        await tx
          .insertInto('registry_artifacts')
          .values({
            kind,
            name,
            version,
            sha256: entry.sha256,
            size: entry.size,
            created_at: entry.createdAt,
            status: entry.status,
            updated_at: entry.updatedAt,
            provenance: JSON.stringify(entry.provenance),
            metrics: JSON.stringify(entry.metrics),
          })
          .execute();
        await insertEvent(tx, {
          time: by.time,
          kind,
          name,
          version,
          action: 'register',
          fromStatus: null,
          toStatus: 'candidate',
          actor: by.actor,
          reason: by.reason,
        });
      });
      return entry;
    },

    async setStatus(change: StatusChange) {
      const { kind, name, version } = change;
      return atomically(async (tx) => {
        const target = await tx
          .selectFrom('registry_artifacts')
          .select('status')
          .where('kind', '=', kind)
          .where('name', '=', name)
          .where('version', '=', version)
          .executeTakeFirst();
        if (target === undefined) return undefined;
        const events: RegistryEvent[] = [];
        const by = { actor: change.actor, reason: change.reason, time: change.time };
        if (change.to === 'live') {
          const live = await liveRow(tx, kind, name);
          if (live !== undefined && Number(live.version) !== version) {
            await tx
              .updateTable('registry_artifacts')
              .set({ status: 'retired', updated_at: by.time })
              .where('kind', '=', kind)
              .where('name', '=', name)
              .where('version', '=', Number(live.version))
              .execute();
            events.push(await insertEvent(tx, { ...by, kind, name, version: Number(live.version), action: 'retire', fromStatus: 'live', toStatus: 'retired' }));
          }
        }
        await tx
          .updateTable('registry_artifacts')
          .set({ status: change.to, updated_at: by.time })
          .where('kind', '=', kind)
          .where('name', '=', name)
          .where('version', '=', version)
          .execute();
        events.push(
          await insertEvent(tx, { ...by, kind, name, version, action: change.action, fromStatus: target.status as ArtifactStatus, toStatus: change.to }),
        );
        return events;
      });
    },

    async list(filter = {}) {
      let query = db.selectFrom('registry_artifacts').selectAll();
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (filter.name !== undefined) query = query.where('name', '=', filter.name);
      const rows = await query.orderBy('kind').orderBy('name').orderBy('version', 'desc').execute();
      return rows.map(entryOf);
    },
    async get(kind, name, version) {
      const row = await db
        .selectFrom('registry_artifacts')
        .selectAll()
        .where('kind', '=', kind)
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? undefined : entryOf(row);
    },
    async live(kind, name) {
      const row = await liveRow(db, kind, name);
      return row === undefined ? undefined : entryOf(row);
    },
    async liveAll(kind) {
      let query = db.selectFrom('registry_artifacts').selectAll().where('status', '=', 'live');
      if (kind !== undefined) query = query.where('kind', '=', kind);
      return (await query.orderBy('kind').orderBy('name').execute()).map(entryOf);
    },
    async bytes(kind, name, version) {
      const row = await db
        .selectFrom('registry_artifacts')
        .select('size')
        .where('kind', '=', kind)
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const parts = await db
        .selectFrom('registry_artifact_parts')
        .select('bytes')
        .where('kind', '=', kind)
        .where('name', '=', name)
        .where('version', '=', version)
        .orderBy('part')
        .execute();
      const bytes = new Uint8Array(Number(row.size));
      let offset = 0;
      for (const p of parts) {
        bytes.set(p.bytes, offset);
        offset += p.bytes.length;
      }
      return bytes;
    },
    async events(kind, name) {
      const rows = await db.selectFrom('registry_events').selectAll().where('kind', '=', kind).where('name', '=', name).orderBy('seq').execute();
      return rows.map(eventOf);
    },
    async changeCounter() {
      const row = await db
        .selectFrom('registry_events')
        .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
        .executeTakeFirst();
      return Number(row?.seq ?? 0);
    },
  };
}

function entryOf(row: Selectable<RegistryArtifactsTable>): ArtifactEntry {
  return {
    kind: row.kind as ArtifactKind,
    name: row.name,
    version: Number(row.version),
    sha256: row.sha256,
    size: Number(row.size),
    createdAt: Number(row.created_at),
    status: row.status as ArtifactStatus,
    updatedAt: Number(row.updated_at),
    provenance: JSON.parse(row.provenance) as TrainingProvenance,
    metrics: JSON.parse(row.metrics) as Record<string, unknown>,
  };
}

function eventOf(row: Selectable<RegistryEventsTable>): RegistryEvent {
  return {
    seq: Number(row.seq),
    time: Number(row.time),
    kind: row.kind as ArtifactKind,
    name: row.name,
    version: Number(row.version),
    action: row.action as RegistryAction,
    fromStatus: row.from_status as ArtifactStatus | null,
    toStatus: row.to_status as ArtifactStatus,
    actor: row.actor,
    reason: row.reason,
  };
}
