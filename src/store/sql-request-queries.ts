/**
 * The read side of the request log as Kysely queries, written once for every SQL backend (SQLite now,
 * PostgreSQL next). Writes are backend-specific because their cost matters (see sqlite/sqlite-store.ts).
 */
import type { Kysely } from 'kysely';
import type { RequestRecord } from '../spec/request-record.js';
import type { TandemDatabase } from './database.js';
import type { StatsRow } from './request-log.js';
import { fromRequestRow } from './request-row.js';

export async function selectRecentRequests(db: Kysely<TandemDatabase>, options: { limit: number; route?: string; model?: string }): Promise<RequestRecord[]> {
  let query = db.selectFrom('requests').selectAll();
  if (options.route !== undefined) query = query.where('route', '=', options.route);
  if (options.model !== undefined) query = query.where('model', '=', options.model);
  const rows = await query
    .orderBy('time', 'desc')
    .orderBy('seq', 'desc')
    .limit(Math.max(0, Math.floor(options.limit)))
    .execute();
  return rows.map(fromRequestRow);
}

export async function selectRequest(db: Kysely<TandemDatabase>, id: string): Promise<RequestRecord | undefined> {
  const row = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : fromRequestRow(row);
}

/** Retention: deletes requests that arrived before `time`; returns how many. */
export async function deleteRequestsBefore(db: Kysely<TandemDatabase>, time: number): Promise<number> {
  const result = await db.deleteFrom('requests').where('time', '<', time).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** RequestLog.spendSince for every SQL backend: one indexed range read of a key's rows. */
export async function selectSpendSince(db: Kysely<TandemDatabase>, options: { keyId: string | null; since: number }): Promise<number> {
  let query = db
    .selectFrom('requests')
    .select((eb) => eb.fn.sum<number>('cost').as('spend'))
    .where('time', '>=', options.since);
  query = options.keyId === null ? query.where('key_id', 'is', null) : query.where('key_id', '=', options.keyId);
  const row = await query.executeTakeFirst();
  // Number(): PostgreSQL returns the sum of a double column as a number, SQLite too; null when no row.
  return Number(row?.spend ?? 0);
}

export async function selectStats(db: Kysely<TandemDatabase>, options: { since?: number; until?: number }): Promise<StatsRow[]> {
  let query = db
    .selectFrom('requests')
    .select((eb) => [
      'route',
      'model',
      eb.fn.countAll<number>().as('requests'),
      eb.fn.sum<number>(eb.case().when('status', '>=', 400).then(1).else(0).end()).as('errors'),
      eb.fn.sum<number>('input_tokens').as('input_tokens'),
      eb.fn.sum<number>('output_tokens').as('output_tokens'),
      eb.fn.sum<number>('cost').as('cost'),
      eb.fn.sum<number>('baseline_cost').as('baseline_cost'),
    ]);
  if (options.since !== undefined) query = query.where('time', '>=', options.since);
  if (options.until !== undefined) query = query.where('time', '<', options.until);
  const rows = await query
    .groupBy(['route', 'model'])
    // Nulls first in every dialect (PostgreSQL's default puts them last), matching the memory store.
    .orderBy('route', (ob) => ob.asc().nullsFirst())
    .orderBy('model', (ob) => ob.asc().nullsFirst())
    .execute();
  return rows.map(toStatsRow);
}

/** The sums of one route × model group, as any SQL backend's driver returns them, as a StatsRow. */
export function toStatsRow(row: {
  route: string | null;
  model: string | null;
  requests: unknown;
  errors: unknown;
  input_tokens: unknown;
  output_tokens: unknown;
  cost: unknown;
  baseline_cost: unknown;
}): StatsRow {
  // Number(): PostgreSQL returns sums and counts of bigint columns as strings.
  const cost = Number(row.cost);
  const baselineCost = Number(row.baseline_cost);
  return {
    route: row.route,
    model: row.model,
    requests: Number(row.requests),
    errors: Number(row.errors),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cost,
    baselineCost,
    savings: baselineCost - cost,
  };
}
