/**
 * The request log's write path on PostgreSQL: appends go through a group commit (group-commit.ts) as one
 * `INSERT … SELECT FROM unnest(…)` per batch: 1 statement and 1 WAL flush for up to 500 rows, with a
 * fixed text the server parses once per connection (named prepared statement).
 *
 * A duplicate id must fail only its own append, never its batch-mates, so the insert skips conflicts
 * (`on conflict (id) do nothing returning id`) and the ids missing from RETURNING are the duplicates.
 * Any other failure (a value PostgreSQL refuses) retries the batch row by row, so one bad record cannot
 * cost the others their rows. An outage (postgres-errors.ts) fails the whole batch at once instead: row
 * by row, each row would wait out its own connect timeout.
 *
 * `replay` writes rows from the spool (spool-journal.ts) with the same statement; there a row that is
 * already in the table is a success, since it is how a replay after a lost acknowledgement looks.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { RequestRecord } from '../../spec/request-record.js';
import { requestColumns, toRequestRow } from '../request-row.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { isPostgresUnavailable } from './postgres-errors.js';

export interface PostgresRequestWriterOptions {
  pool: Pool;
  /** Schema the `requests` table lives in (for reading its column types). */
  schema: string;
  logBodies: boolean;
  maxBatch?: number;
  maxInFlight?: number;
}

type Row = ReturnType<typeof toRequestRow>;

export interface PostgresRequestWriter extends GroupCommit<RequestRecord> {
  /** Inserts records whose rows may already exist; one outcome per record (an Error: PostgreSQL refused that row). */
  replay(records: readonly RequestRecord[]): Promise<ReadonlyArray<Error | undefined>>;
}

export async function createPostgresRequestWriter(options: PostgresRequestWriterOptions): Promise<PostgresRequestWriter> {
  const { pool, logBodies } = options;
  const types = await columnTypes(pool, options.schema);
  const text = insertText(types);
  // Names are per connection and at most 63 bytes; the hash keeps two column layouts from sharing one.
  const name = `tandem-append-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  const writeRows = async (rows: readonly Row[]): Promise<Set<string>> => {
    const values = requestColumns.map((column) => rows.map((row) => row[column]));
    const result = await pool.query<{ id: string }>({ name, text, values });
    return new Set(result.rows.map((r) => r.id));
  };

  const write = async (batch: readonly RequestRecord[], duplicatesFail: boolean): Promise<Array<Error | undefined>> => {
    const outcomes: Array<Error | undefined> = new Array(batch.length).fill(undefined);
    // The first of two appends with one id in the same batch wins, as if they had come one by one.
    const first = new Map<string, number>();
    const rows: Row[] = [];
    const rowIndex: number[] = [];
    batch.forEach((record, i) => {
      if (first.has(record.id)) outcomes[i] = duplicatesFail ? duplicate(record.id) : undefined;
      else {
        first.set(record.id, i);
        rows.push(toRequestRow(record, { logBodies }));
        rowIndex.push(i);
      }
    });
    let inserted: Set<string>;
    try {
      inserted = await writeRows(rows);
    } catch (error) {
      if (isPostgresUnavailable(error)) throw error;
      // Online, a lone row's refusal is its append's failure; a replay records it per row instead.
      if (rows.length === 1 && duplicatesFail) throw error;
      inserted = new Set();
      for (const [k, row] of rows.entries()) {
        try {
          for (const id of await writeRows([row])) inserted.add(id);
        } catch (rowError) {
          if (isPostgresUnavailable(rowError)) throw rowError;
          outcomes[rowIndex[k] ?? 0] = rowError instanceof Error ? rowError : new Error(String(rowError));
        }
      }
    }
    for (const [k, row] of rows.entries()) {
      const i = rowIndex[k] ?? 0;
      if (duplicatesFail && outcomes[i] === undefined && !inserted.has(row.id)) outcomes[i] = duplicate(row.id);
    }
    return outcomes;
  };

  const commit = createGroupCommit<RequestRecord>({
    maxBatch: options.maxBatch ?? 500,
    maxInFlight: options.maxInFlight ?? 2,
    write: (batch) => write(batch, true),
  });
  return {
    submit: (record) => commit.submit(record),
    drain: () => commit.drain(),
    get pending() {
      return commit.pending;
    },
    replay: (records) => write(records, false),
  };
}

function duplicate(id: string): Error {
  return new Error(`request ${id} is already logged`);
}

/** The SQL type of each insert column, in requestColumns order, as the database has it (after every migration). */
async function columnTypes(pool: Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'requests'`,
    [schema],
  );
  const byName = new Map(rows.map((r) => [r.column_name, r.data_type]));
  return requestColumns.map((column) => {
    const type = byName.get(column);
    if (type === undefined) throw new Error(`table ${schema}.requests has no column ${column}: is the store migrated?`);
    return type;
  });
}

function insertText(types: readonly string[]): string {
  const columns = requestColumns.join(', ');
  const arrays = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  // WITH ORDINALITY + ORDER BY: rows get their seq in append order, which `recent` uses to break ties.
  return `insert into requests (${columns})
    select ${columns} from unnest(${arrays}) with ordinality as t(${columns}, ord) order by ord
    on conflict (id) do nothing returning id`;
}
