/** FeedbackStore over the `feedback` table (migration 011), as Kysely queries shared by every SQL backend. */
import type { Kysely, Selectable } from 'kysely';
import type { FeedbackTable, TandemDatabase } from './database.js';
import type { FeedbackEntry, FeedbackSource, FeedbackStore } from './feedback.js';

/** Ids per `in (…)` query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const IDS_PER_QUERY = 500;

export function sqlFeedbackStore(db: Kysely<TandemDatabase>): FeedbackStore {
  return {
    async record(entry) {
      const row = await db
        .insertInto('feedback')
        .values({
          request_id: entry.requestId,
          source: entry.source,
          route: entry.route,
          model: entry.model,
          key_id: entry.keyId,
          time: entry.time,
          score: entry.score,
          label: entry.label,
          correct: entry.correct === null ? null : entry.correct ? 1 : 0,
          comment: entry.comment,
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      return { ...entry, seq: Number(row.seq) };
    },
    async forRequest(requestId) {
      const rows = await db.selectFrom('feedback').selectAll().where('request_id', '=', requestId).orderBy('seq').execute();
      return rows.map(entryOf);
    },
    async latest(requestIds, source = 'client') {
      const latest = new Map<string, FeedbackEntry>();
      const unique = [...new Set(requestIds)];
      for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
        const rows = await db
          .selectFrom('feedback')
          .selectAll()
          .where('request_id', 'in', unique.slice(i, i + IDS_PER_QUERY))
          .where('source', '=', source)
          .orderBy('seq')
          .execute();
        // Ascending seq: each later entry replaces the one before.
        for (const row of rows) latest.set(row.request_id, entryOf(row));
      }
      return latest;
    },
    async latestByRoute(options) {
      let query = db
        .selectFrom('feedback')
        .selectAll()
        .where('source', '=', options.source ?? 'client');
      if (options.route !== undefined) query = query.where('route', '=', options.route);
      if (options.since !== undefined) query = query.where('time', '>=', options.since);
      if (options.until !== undefined) query = query.where('time', '<', options.until);
      const rows = await query.orderBy('seq').execute();
      const latest = new Map<string, FeedbackEntry>();
      for (const row of rows) {
        // Deleted first so the map's order is that of each request's latest entry.
        latest.delete(row.request_id);
        latest.set(row.request_id, entryOf(row));
      }
      return [...latest.values()].sort((a, b) => a.time - b.time || a.seq - b.seq);
    },
    async deleteBefore(time) {
      const result = await db.deleteFrom('feedback').where('time', '<', time).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function entryOf(row: Selectable<FeedbackTable>): FeedbackEntry {
  return {
    seq: Number(row.seq),
    requestId: row.request_id,
    source: row.source as FeedbackSource,
    route: row.route,
    model: row.model,
    keyId: row.key_id,
    // Number(): PostgreSQL drivers return bigint columns as strings.
    time: Number(row.time),
    score: row.score === null ? null : Number(row.score),
    label: row.label,
    correct: row.correct === null ? null : Number(row.correct) === 1,
    comment: row.comment,
  };
}
