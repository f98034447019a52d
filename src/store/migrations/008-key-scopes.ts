/**
 * Migration 008: `api_keys.scope`, what a key may name in `model` (docs/decisions/key-scopes.md).
 * `all`: routes and models; `routes`: routes only, so a route's policies (privacy above all) cannot be
 * skipped by naming one of its models directly.
 *
 * Existing keys keep what they could do, except keys made with route globs and no model globs (stored as
 * `models: ["*"]`): those were meant to be confined to their routes, and naming a model directly was the
 * hole this closes, so they become `routes`.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const keyScopes008: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('api_keys')
      .addColumn('scope', 'text', (col) => col.notNull().defaultTo('all'))
      .execute();
    // routes and models are JSON text written by JSON.stringify (keys-sql.ts): '["*"]' exactly.
    await sql`update api_keys set scope = 'routes' where routes <> '["*"]' and models = '["*"]'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('api_keys').dropColumn('scope').execute();
  },
};
