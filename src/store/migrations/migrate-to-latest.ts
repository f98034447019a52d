/**
 * Runs the store's migrations. They come from code (not a folder read at run time) so they survive
 * bundling; add a new one to `migrations` under the next number and never edit one that has shipped.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { createRequests001 } from './001-create-requests.js';

/** Kysely applies these in name order, so names start with a zero-padded number. */
export const migrations: Readonly<Record<string, Migration>> = {
  '001-create-requests': createRequests001,
};

export const codeMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

/** Applies every migration not yet applied; a no-op on an up-to-date database. Throws on failure. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: codeMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`store migration ${failed ?? '(unknown)'} failed: ${message}`, { cause: error });
  }
}
