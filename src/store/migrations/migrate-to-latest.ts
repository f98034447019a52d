/**
 * Runs the store's migrations. They come from code (not a folder read at run time) so they survive
 * bundling; add a new one to `migrations` under the next number and never edit one that has shipped.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { createRequests001 } from './001-create-requests.js';
import { requestPrivacy002 } from './002-request-privacy.js';
import { createApiKeys003 } from './003-create-api-keys.js';
import { createAuditLog004 } from './004-create-audit-log.js';
import { requestsHourlyRollup006 } from './006-requests-hourly-rollup.js';
import { dashboardHourlyRollups007 } from './007-dashboard-hourly-rollups.js';
import { keyScopes008 } from './008-key-scopes.js';
import { taskDistillation009 } from './009-task-distillation.js';
import { modelRegistry010 } from './010-model-registry.js';
import { feedback011 } from './011-feedback.js';
import { experiments012 } from './012-experiments.js';
import { requestSteps013 } from './013-request-steps.js';
import { answerCache014 } from './014-answer-cache.js';
import { retrievalCollections015 } from './015-retrieval-collections.js';

/** Kysely applies these in name order, so names start with a zero-padded number. */
export const migrations: Readonly<Record<string, Migration>> = {
  '001-create-requests': createRequests001,
  '002-request-privacy': requestPrivacy002,
  '003-create-api-keys': createApiKeys003,
  '004-create-audit-log': createAuditLog004,
  '006-requests-hourly-rollup': requestsHourlyRollup006,
  '007-dashboard-hourly-rollups': dashboardHourlyRollups007,
  '008-key-scopes': keyScopes008,
  '009-task-distillation': taskDistillation009,
  '010-model-registry': modelRegistry010,
  '011-feedback': feedback011,
  '012-experiments': experiments012,
  '013-request-steps': requestSteps013,
  '014-answer-cache': answerCache014,
  '015-retrieval-collections': retrievalCollections015,
};

export const codeMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

export function createMigrator(db: Kysely<unknown>, options: { schema?: string } = {}): Migrator {
  // PostgreSQL passes its schema: without it Kysely looks for its migration table in every schema and
  // takes another schema's (a second Tandem database, a parallel test) for its own.
  return new Migrator({ db, provider: codeMigrationProvider, ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }) });
}

/** Applies every migration not yet applied; a no-op on an up-to-date database. Throws on failure. */
export async function migrateToLatest(db: Kysely<unknown>, options: { schema?: string } = {}): Promise<void> {
  const migrator = createMigrator(db, options);
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`store migration ${failed ?? '(unknown)'} failed: ${message}`, { cause: error });
  }
}
