/**
 * The embedded default VectorIndex: sqlite-vec (npm `sqlite-vec`, a prebuilt loadable extension per
 * platform; docs/decisions/vector-store.md) loaded into the store's own better-sqlite3 connection, so vectors
 * live in the same file as the request log.
 *
 * One `vec0` virtual table per dimension (`vec_items_<d>`), with the space as its partition key, so a
 * KNN query scans only that space's chunks; `vector_items` maps (space, id) to the vec0 rowid and
 * `vector_spaces` records each space's dimension. Vectors are stored L2-normalised and searched by L2
 * distance d, so a score is 1 - d²/2, the cosine; sqlite-vec's KNN is an exact scan, so results equal the
 * memory index's.
 *
 * A large space searched for close matches (the semantic cache; binary-quantisation.ts) takes a faster
 * path: a Hamming pass over the space's sign bits, held in memory (a SignBitTable, built on first use from
 * `vector_units` and kept in step by this index's writes), then exact rescoring of the 64 best from
 * `vector_units`, a plain table holding each unit vector again by rowid. sqlite-vec cannot serve either step
 * quickly: its KNN over a `bit[]` column costs as much as its float scan (~0.25 µs a row), and reading one
 * row's vector from `vec0` by rowid ~100 µs in a file. The copy is written, replaced and deleted in the same
 * transaction as the vec0 row; rows stored before `vector_units` existed are copied into it on first use.
 *
 * The tables are created on first use rather than by a migration, so a store that never uses vectors has
 * none; the SQLite store loads the extension when it opens (loadSqliteVecOnce), as Kysely's migrator lists
 * every table, vec0 ones included.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { load as loadSqliteVec } from 'sqlite-vec';
import { quantisedCandidates, SignBitTable, useQuantised } from './binary-quantisation.js';
import { checkDimensions, checkVector, clampScore, dimensionConflict, normalised } from './memory-vector-index.js';
import type { VectorIndex, VectorItem, VectorMatch, VectorSearchOptions } from './vector-index.js';

type Db = BetterSqlite3.Database;

export class SqliteVectorIndex implements VectorIndex {
  #ready = false;
  readonly #dimensions = new Map<string, number>();
  /** Items per space, counted once and kept up to date by this index's writes (picks exact or quantised). */
  readonly #counts = new Map<string, number>();
  /** Each quantised-searched space's sign bits in memory, keyed by rowid, kept in step by this index's writes. */
  readonly #mirrors = new Map<string, SignBitTable>();
  /** SQLite's data_version when the counts and mirrors were read: it changes when another connection commits. */
  #dataVersion = -1;

  /** `beforeWrite` commits what a group-committing writer holds open, so vector writes are their own transaction. */
  constructor(
    private readonly db: Db,
    private readonly beforeWrite: () => void = () => {},
  ) {}

  #prepare(): void {
    if (this.#ready) return;
    loadSqliteVecOnce(this.db);
    this.db.exec(`
      create table if not exists vector_spaces (space text primary key, dimensions integer not null);
      create table if not exists vector_items (
        rid integer primary key autoincrement,
        space text not null,
        id text not null,
        unique (space, id)
      );
      create table if not exists vector_units (rid integer primary key, unit blob not null);`);
    for (const row of this.db.prepare('select space, dimensions from vector_spaces').all() as { space: string; dimensions: number }[])
      this.#dimensions.set(row.space, row.dimensions);
    this.#ready = true;
  }

  #table(dimensions: number): string {
    const table = `vec_items_${dimensions}`;
    // L2, not sqlite-vec's cosine metric: on unit vectors the order is the same, and its L2 kernel is SIMD
    // (measured twice as fast at 100k vectors).
    this.db.exec(`create virtual table if not exists ${table} using vec0(space text partition key, embedding float[${dimensions}])`);
    return table;
  }

  async ensureSpace(space: string, dimensions: number): Promise<void> {
    checkDimensions(dimensions);
    this.#prepare();
    const had = this.#dimensions.get(space);
    if (had !== undefined) {
      if (had !== dimensions) throw dimensionConflict(space, had, dimensions);
      return;
    }
    this.beforeWrite();
    this.#table(dimensions);
    this.db.prepare('insert into vector_spaces (space, dimensions) values (?, ?)').run(space, dimensions);
    this.#dimensions.set(space, dimensions);
  }

  async upsert(space: string, items: readonly VectorItem[]): Promise<void> {
    this.#prepare();
    const dimensions = this.#dimensions.get(space);
    if (dimensions === undefined) throw new Error(`vector space "${space}" does not exist (ensureSpace first)`);
    for (const item of items) checkVector(space, dimensions, item.vector);
    const table = this.#table(dimensions);
    const find = this.db.prepare('select rid from vector_items where space = ? and id = ?');
    const insertId = this.db.prepare('insert into vector_items (space, id) values (?, ?)');
    const drop = this.db.prepare(`delete from ${table} where rowid = ?`);
    const insert = this.db.prepare(`insert into ${table} (rowid, space, embedding) values (?, ?, ?)`);
    const insertUnit = this.db.prepare('insert or replace into vector_units (rid, unit) values (?, ?)');
    this.beforeWrite();
    let added = 0;
    const written: Array<[number, Float32Array]> = [];
    this.db.transaction(() => {
      for (const item of items) {
        const found = find.get(space, item.id) as { rid: number } | undefined;
        let rid: bigint;
        if (found) {
          rid = BigInt(found.rid);
          drop.run(rid);
        } else {
          rid = BigInt(insertId.run(space, item.id).lastInsertRowid);
          added++;
        }
        const unit = normalised(item.vector);
        insert.run(rid, space, blob(unit));
        insertUnit.run(rid, blob(unit));
        written.push([Number(rid), unit]);
      }
    })();
    const had = this.#counts.get(space);
    if (had !== undefined) this.#counts.set(space, had + added);
    const mirror = this.#mirrors.get(space);
    if (mirror) for (const [rid, unit] of written) mirror.set(rid, unit);
  }

  async remove(space: string, ids: readonly string[]): Promise<void> {
    this.#prepare();
    const dimensions = this.#dimensions.get(space);
    if (dimensions === undefined || ids.length === 0) return;
    const table = this.#table(dimensions);
    const find = this.db.prepare('select rid from vector_items where space = ? and id = ?');
    const dropId = this.db.prepare('delete from vector_items where rid = ?');
    const dropUnit = this.db.prepare('delete from vector_units where rid = ?');
    const drop = this.db.prepare(`delete from ${table} where rowid = ?`);
    this.beforeWrite();
    const removed: number[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        const found = find.get(space, id) as { rid: number } | undefined;
        if (!found) continue;
        drop.run(BigInt(found.rid));
        dropId.run(found.rid);
        dropUnit.run(found.rid);
        removed.push(found.rid);
      }
    })();
    const had = this.#counts.get(space);
    if (had !== undefined) this.#counts.set(space, Math.max(0, had - removed.length));
    const mirror = this.#mirrors.get(space);
    if (mirror) for (const rid of removed) mirror.delete(rid);
  }

  async dropSpace(space: string): Promise<void> {
    this.#prepare();
    const dimensions = this.#dimensions.get(space);
    if (dimensions === undefined) return;
    const table = this.#table(dimensions);
    this.beforeWrite();
    this.db.transaction(() => {
      this.db.prepare(`delete from ${table} where space = ?`).run(space);
      this.db.prepare('delete from vector_units where rid in (select rid from vector_items where space = ?)').run(space);
      this.db.prepare('delete from vector_items where space = ?').run(space);
      this.db.prepare('delete from vector_spaces where space = ?').run(space);
    })();
    this.#dimensions.delete(space);
    this.#counts.delete(space);
    this.#mirrors.delete(space);
  }

  async search(space: string, query: Float32Array, k: number, options: VectorSearchOptions = {}): Promise<VectorMatch[]> {
    this.#prepare();
    const dimensions = this.#dimensions.get(space);
    if (dimensions === undefined || k <= 0) return [];
    checkVector(space, dimensions, query);
    const table = this.#table(dimensions);
    const unit = normalised(query);
    this.#checkDataVersion();
    const minScore = options.minScore ?? Number.NEGATIVE_INFINITY;
    if (useQuantised(this.#count(space), dimensions, options.minScore)) {
      // Hamming pass in memory, then each candidate's exact cosine from its stored unit vector.
      const read = this.db.prepare('select i.id as id, u.unit as unit from vector_units u join vector_items i on i.rid = u.rid where u.rid = ?');
      const found: VectorMatch[] = [];
      for (const rid of this.#mirror(space, dimensions).candidates(unit, quantisedCandidates(k))) {
        const row = read.get(rid) as { id: string; unit: Buffer } | undefined;
        if (!row) continue;
        const score = clampScore(dot(unit, row.unit));
        if (score >= minScore) found.push({ id: row.id, score });
      }
      return found.sort((a, b) => b.score - a.score).slice(0, k);
    }
    // sqlite-vec caps k at 4096 per query.
    const rows = this.db
      .prepare(
        `select i.id as id, v.distance as distance from ${table} v join vector_items i on i.rid = v.rowid
         where v.embedding match ? and v.k = ? and v.space = ? order by v.distance`,
      )
      .all(blob(unit), Math.min(k, 4096), space) as { id: string; distance: number }[];
    const out: VectorMatch[] = [];
    for (const row of rows) {
      // Unit vectors: |a - b|² = 2 - 2 cos.
      const score = clampScore(1 - (row.distance * row.distance) / 2);
      if (score >= minScore) out.push({ id: row.id, score });
    }
    return out;
  }

  async count(space: string): Promise<number> {
    this.#prepare();
    if (!this.#dimensions.has(space)) return 0;
    const row = this.db.prepare('select count(*) as n from vector_items where space = ?').get(space) as { n: number };
    return row.n;
  }

  /** Forgets counts and mirrors when another connection (another process on the same file) has committed. */
  #checkDataVersion(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.#counts.clear();
    this.#mirrors.clear();
  }

  /** The space's sign bits in memory; first copies into `vector_units` any row stored before it existed. */
  #mirror(space: string, dimensions: number): SignBitTable {
    let mirror = this.#mirrors.get(space);
    if (mirror) return mirror;
    const table = this.#table(dimensions);
    const missing = this.db
      .prepare('select i.rid as rid from vector_items i where i.space = ? and not exists (select 1 from vector_units u where u.rid = i.rid)')
      .all(space) as { rid: number }[];
    if (missing.length > 0) {
      const read = this.db.prepare(`select embedding from ${table} where rowid = ?`);
      const insertUnit = this.db.prepare('insert or replace into vector_units (rid, unit) values (?, ?)');
      this.beforeWrite();
      this.db.transaction(() => {
        for (const { rid } of missing) {
          const row = read.get(BigInt(rid)) as { embedding: Buffer } | undefined;
          if (row) insertUnit.run(rid, row.embedding);
        }
      })();
    }
    mirror = new SignBitTable(dimensions);
    const rows = this.db.prepare('select u.rid as rid, u.unit as unit from vector_items i join vector_units u on u.rid = i.rid where i.space = ?');
    for (const row of rows.iterate(space) as Iterable<{ rid: number; unit: Buffer }>) mirror.set(row.rid, floats(row.unit));
    this.#mirrors.set(space, mirror);
    return mirror;
  }

  /** The cached item count (only picks exact or quantised; another process's writes leave it stale). */
  #count(space: string): number {
    let n = this.#counts.get(space);
    if (n === undefined) {
      n = (this.db.prepare('select count(*) as n from vector_items where space = ?').get(space) as { n: number }).n;
      this.#counts.set(space, n);
    }
    return n;
  }
}

/**
 * Loads sqlite-vec into a connection unless it is there. The SQLite store loads it when it opens: once a
 * file holds vec0 tables, any schema introspection (Kysely's migrator lists every table) needs the module.
 */
export function loadSqliteVecOnce(db: Db): void {
  try {
    db.prepare('select vec_version()').get();
  } catch {
    loadSqliteVec(db);
  }
}

function blob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function floats(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The dot product of a unit query with a stored unit vector (float32 bytes). */
function dot(q: Float32Array, bytes: Buffer): number {
  const v = floats(bytes);
  let sum = 0;
  for (let i = 0; i < q.length; i++) sum += (q[i] as number) * (v[i] as number);
  return sum;
}
