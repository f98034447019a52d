/**
 * PostgresDialect whose introspector lists only the tables of the connection's current schema, from
 * pg_class directly. Kysely's Migrator asks the introspector whether its migration table exists, and the
 * stock PostgreSQL introspector lists every table of every schema with
 * `pg_get_serial_sequence('<schema>.<table>', …)`, which resolves names outside the query's snapshot: a
 * schema dropped by someone else at that moment (another deployment, a parallel test run) fails our
 * start-up with `schema "…" does not exist`. Scoped to our schema, nothing anyone else does can break it.
 */
import { PostgresDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

export class SchemaScopedPostgresDialect extends PostgresDialect {
  // Kysely's signature is Kysely<any>; the introspector only runs raw SQL, so no table types are needed.
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const stock = super.createIntrospector(db);
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ schema: string; name: string; kind: string }>`
        select n.nspname as schema, c.relname as name, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm')`.execute(db);
      return rows.map((r) => ({ schema: r.schema, name: r.name, isView: r.kind === 'v' || r.kind === 'm', columns: [] }));
    };
    return {
      getSchemas: (): Promise<SchemaMetadata[]> => stock.getSchemas(),
      getTables,
      getMetadata: async (): Promise<DatabaseMetadata> => ({ tables: await getTables() }),
    };
  }
}
