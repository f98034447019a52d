/**
 * The VectorIndex at scale: PostgreSQL with pgvector (docs/deployment.md says how to enable it; every
 * managed PostgreSQL offers it). Tables live in the store's schema and are created on first use:
 * `vector_spaces` (space → dimension) and one `vector_items_<d>` per dimension with an HNSW index
 * (cosine). A search runs in a transaction with `hnsw.iterative_scan = strict_order`, so filtering to one
 * space (a key's cache, a collection) still returns k results when the space is a small part of the table;
 * a small space is scanned exactly through the primary key instead, at the planner's choice.
 * docs/caching.md has the measured lookup times of HNSW against an exact scan.
 *
 * The `vector` type is looked up in whichever schema the extension was created in, since the store's
 * connections set search_path to their own schema only. Without the extension, the first call tries
 * `CREATE EXTENSION vector SCHEMA public` and, lacking the privilege, fails with a message saying what to run.
 */
import { type Kysely, sql } from 'kysely';
import { checkDimensions, checkVector, clampScore, dimensionConflict, normalised } from './memory-vector-index.js';
import type { VectorIndex, VectorItem, VectorMatch, VectorSearchOptions } from './vector-index.js';

export interface PostgresVectorIndexOptions {
  /** HNSW candidates per search (pgvector's hnsw.ef_search); default 100. */
  efSearch?: number;
}

export class PostgresVectorIndex implements VectorIndex {
  #prepared: Promise<string> | undefined;
  readonly #dimensions = new Map<string, number>();
  readonly #efSearch: number;
  #exactScan = false;

  constructor(
    private readonly db: Kysely<unknown>,
    options: PostgresVectorIndexOptions = {},
  ) {
    this.#efSearch = Math.max(10, Math.floor(options.efSearch ?? 100));
  }

  /** The schema of the `vector` type, once the tables exist. */
  #prepare(): Promise<string> {
    this.#prepared ??= this.#doPrepare().catch((error: unknown) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }

  async #doPrepare(): Promise<string> {
    let ext = await extensionSchema(this.db);
    if (ext === null) {
      try {
        // In `public`, not the store's own schema (the connection's search_path): dropping a store's schema
        // must not drop the extension every other schema's vectors use.
        await sql`create extension if not exists vector schema public`
          .execute(this.db)
          .catch(() => sql`create extension if not exists vector`.execute(this.db));
      } catch (error) {
        throw new Error(
          `pgvector is not enabled on this database and Tandem could not enable it (${error instanceof Error ? error.message : String(error)}): run CREATE EXTENSION vector; as a privileged user (docs/deployment.md)`,
        );
      }
      ext = await extensionSchema(this.db);
      if (ext === null) throw new Error('pgvector: CREATE EXTENSION vector did not create the extension');
    }
    await sql`create table if not exists vector_spaces (space text primary key, dimensions integer not null)`.execute(this.db);
    const rows = await sql<{ space: string; dimensions: number }>`select space, dimensions from vector_spaces`.execute(this.db);
    for (const row of rows.rows) this.#dimensions.set(row.space, row.dimensions);
    return ext;
  }

  async #table(dimensions: number): Promise<{ table: string; type: string; op: string }> {
    const ext = await this.#prepare();
    const q = quoteIdent(ext);
    return { table: `vector_items_${dimensions}`, type: `${q}.vector(${dimensions})`, op: `operator(${q}.<=>)` };
  }

  async ensureSpace(space: string, dimensions: number): Promise<void> {
    checkDimensions(dimensions);
    await this.#prepare();
    const had = this.#dimensions.get(space) ?? (await this.#loadSpace(space));
    if (had !== undefined) {
      if (had !== dimensions) throw dimensionConflict(space, had, dimensions);
      return;
    }
    const ext = quoteIdent(await this.#prepare());
    const { table, type } = await this.#table(dimensions);
    await sql
      .raw(
        `create table if not exists ${table} (space text not null, id text not null, embedding ${type} not null, primary key (space, id));
         create index if not exists ${table}_hnsw on ${table} using hnsw (embedding ${ext}.vector_cosine_ops)`,
      )
      .execute(this.db);
    const inserted = await sql<{ dimensions: number }>`insert into vector_spaces (space, dimensions) values (${space}, ${dimensions})
      on conflict (space) do update set space = excluded.space returning dimensions`.execute(this.db);
    const stored = inserted.rows[0]?.dimensions ?? dimensions;
    this.#dimensions.set(space, stored);
    if (stored !== dimensions) throw dimensionConflict(space, stored, dimensions);
  }

  async #loadSpace(space: string): Promise<number | undefined> {
    const rows = await sql<{ dimensions: number }>`select dimensions from vector_spaces where space = ${space}`.execute(this.db);
    const d = rows.rows[0]?.dimensions;
    if (d !== undefined) this.#dimensions.set(space, d);
    return d;
  }

  async #spaceDimensions(space: string): Promise<number | undefined> {
    await this.#prepare();
    return this.#dimensions.get(space) ?? (await this.#loadSpace(space));
  }

  async upsert(space: string, items: readonly VectorItem[]): Promise<void> {
    const dimensions = await this.#spaceDimensions(space);
    if (dimensions === undefined) throw new Error(`vector space "${space}" does not exist (ensureSpace first)`);
    for (const item of items) checkVector(space, dimensions, item.vector);
    if (items.length === 0) return;
    const { table, type } = await this.#table(dimensions);
    // One statement per batch of 500: unnest keeps the parameter count at three.
    for (let at = 0; at < items.length; at += 500) {
      const batch = items.slice(at, at + 500);
      await sql`insert into ${sql.raw(table)} (space, id, embedding)
        select ${space}, t.id, t.embedding::${sql.raw(type)} from unnest(${batch.map((i) => i.id)}::text[], ${batch.map((i) => literal(normalised(i.vector)))}::text[]) as t(id, embedding)
        on conflict (space, id) do update set embedding = excluded.embedding`.execute(this.db);
    }
  }

  async remove(space: string, ids: readonly string[]): Promise<void> {
    const dimensions = await this.#spaceDimensions(space);
    if (dimensions === undefined || ids.length === 0) return;
    const { table } = await this.#table(dimensions);
    await sql`delete from ${sql.raw(table)} where space = ${space} and id = any(${[...ids]}::text[])`.execute(this.db);
  }

  async dropSpace(space: string): Promise<void> {
    const dimensions = await this.#spaceDimensions(space);
    if (dimensions === undefined) return;
    const { table } = await this.#table(dimensions);
    await this.db.transaction().execute(async (trx) => {
      await sql`delete from ${sql.raw(table)} where space = ${space}`.execute(trx);
      await sql`delete from vector_spaces where space = ${space}`.execute(trx);
    });
    this.#dimensions.delete(space);
  }

  async search(space: string, query: Float32Array, k: number, options: VectorSearchOptions = {}): Promise<VectorMatch[]> {
    const dimensions = await this.#spaceDimensions(space);
    if (dimensions === undefined || k <= 0) return [];
    checkVector(space, dimensions, query);
    const { table, type, op } = await this.#table(dimensions);
    const q = literal(normalised(query));
    const rows = await this.db.transaction().execute(async (trx) => {
      await this.#searchSettings(k).execute(trx);
      return sql<{ id: string; distance: number }>`select id, embedding ${sql.raw(op)} ${q}::${sql.raw(type)} as distance from ${sql.raw(table)}
        where space = ${space} order by embedding ${sql.raw(op)} ${q}::${sql.raw(type)} limit ${Math.floor(k)}`.execute(trx);
    });
    const minScore = options.minScore ?? Number.NEGATIVE_INFINITY;
    const out: VectorMatch[] = [];
    for (const row of rows.rows) {
      const score = clampScore(1 - Number(row.distance));
      if (score >= minScore) out.push({ id: row.id, score });
    }
    return out;
  }

  /** The session settings of one search, local to its transaction. */
  #searchSettings(k: number) {
    return sql.raw(
      `set local hnsw.ef_search = ${Math.max(this.#efSearch, k)}; set local hnsw.iterative_scan = strict_order${this.#exactScan ? '; set local enable_indexscan = off' : ''}`,
    );
  }

  /** The plan of a search (EXPLAIN), so the benchmark can say which index served it. */
  async explainSearch(space: string, query: Float32Array, k: number): Promise<string> {
    const dimensions = await this.#spaceDimensions(space);
    if (dimensions === undefined) return '';
    const { table, type, op } = await this.#table(dimensions);
    const q = literal(normalised(query));
    const rows = await this.db.transaction().execute(async (trx) => {
      await this.#searchSettings(k).execute(trx);
      return sql<{
        'QUERY PLAN': string;
      }>`explain select id from ${sql.raw(table)} where space = ${space} order by embedding ${sql.raw(op)} ${q}::${sql.raw(type)} limit ${Math.floor(k)}`.execute(
        trx,
      );
    });
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  /** Runs `body` with searches scanning exactly (no HNSW): the benchmark's reference. */
  async withExactScan<T>(body: () => Promise<T>): Promise<T> {
    this.#exactScan = true;
    try {
      return await body();
    } finally {
      this.#exactScan = false;
    }
  }

  async count(space: string): Promise<number> {
    const dimensions = await this.#spaceDimensions(space);
    if (dimensions === undefined) return 0;
    const { table } = await this.#table(dimensions);
    const rows = await sql<{ n: string }>`select count(*) as n from ${sql.raw(table)} where space = ${space}`.execute(this.db);
    return Number(rows.rows[0]?.n ?? 0);
  }
}

async function extensionSchema(db: Kysely<unknown>): Promise<string | null> {
  const rows = await sql<{
    schema: string;
  }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'`.execute(db);
  return rows.rows[0]?.schema ?? null;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** pgvector's text form, `[0.1,0.2,…]`. */
function literal(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}
