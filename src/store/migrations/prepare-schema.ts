/**
 * What a store does about migrations when it opens (`store.migrate`), and the one-at-a-time runner
 * behind `tandem migrate`.
 *
 * - `auto` (default): apply pending migrations under Kysely's lock, as a single process wants.
 * - `wait`: never migrate; poll until every migration this build knows has been applied by
 *   `tandem migrate` (a Kubernetes initContainer or Job), so a server never runs a long migration inside
 *   its start-up probe window, and replicas of the old version keep serving meanwhile.
 * - `skip`: never migrate and never wait; say what is pending and go on (for operators who migrate by hand).
 *
 * A schema ahead of this build (migrations a newer release applied) is fine in every mode: during a rolling
 * upgrade old replicas keep running on the new schema, which is why migrations must only add (docs/deployment.md).
 */
import type { Kysely } from 'kysely';
import { createMigrator, migrateToLatest } from './migrate-to-latest.js';

export type MigrateMode = 'auto' | 'skip' | 'wait';

export interface SchemaStatus {
  applied: string[];
  /** Migrations of this build not applied yet, in order. */
  pending: string[];
}

export async function schemaStatus(db: Kysely<unknown>, options: { schema?: string } = {}): Promise<SchemaStatus> {
  const infos = await createMigrator(db, options).getMigrations();
  return {
    applied: infos.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: infos.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}

export async function prepareSchema(
  db: Kysely<unknown>,
  o: { schema?: string; mode: MigrateMode; pollMs?: number; log?: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  const log = o.log ?? ((line: string) => console.error(line));
  const target = o.schema === undefined ? {} : { schema: o.schema };
  let status = await schemaStatus(db, target);
  if (status.pending.length === 0) return;
  if (o.mode === 'auto') {
    await migrateToLatest(db, target);
    return;
  }
  if (o.mode === 'skip') {
    log(`tandem: warning: the store schema lacks migrations ${status.pending.join(', ')} (store.migrate: skip); run \`tandem migrate\``);
    return;
  }
  const started = Date.now();
  let told = 0;
  while (status.pending.length > 0) {
    if (Date.now() - told >= 60_000) {
      told = Date.now();
      const waited = told - started > 1_000 ? ` (waiting ${Math.round((told - started) / 1_000)} s)` : '';
      log(`tandem: waiting for \`tandem migrate\` to apply ${status.pending.join(', ')} (store.migrate: wait)${waited}`);
    }
    await sleep(o.pollMs ?? 2_000, o.signal);
    status = await schemaStatus(db, target);
  }
  log(`tandem: the store schema is up to date after ${((Date.now() - started) / 1_000).toFixed(1)} s; starting`);
}

/**
 * Applies pending migrations one at a time, each in its own transaction (Kysely's migrateUp), so each
 * holds its locks only for itself; reports each as it finishes. Throws on the first failure, naming it.
 *
 * `lockRetries`: a migration that gave up waiting for a lock (PostgreSQL's lock_timeout, SQLSTATE 55P03) is
 * rolled back and tried again after `delayMs`, up to `attempts` times. With a short lock_timeout, an ALTER
 * that would queue behind a long reader (and block every writer queued behind it) steps aside instead.
 */
export async function applyPendingMigrations(
  db: Kysely<unknown>,
  o: {
    schema?: string;
    onApplied?: (name: string, ms: number) => void;
    lockRetries?: { attempts: number; delayMs: number; onRetry?: (name: string, attempt: number) => void };
  } = {},
): Promise<string[]> {
  const target = o.schema === undefined ? {} : { schema: o.schema };
  // Nothing of ours pending: return before Kysely sees migrations a newer release applied and calls the
  // schema corrupted, so an older image (a rollback) still starts.
  if ((await schemaStatus(db, target)).pending.length === 0) return [];
  const migrator = createMigrator(db, target);
  const applied: string[] = [];
  let retries = 0;
  for (;;) {
    const started = performance.now();
    const { error, results } = await migrator.migrateUp();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      if (isLockTimeout(error) && o.lockRetries !== undefined && retries < o.lockRetries.attempts) {
        retries++;
        o.lockRetries.onRetry?.(failed ?? '(unknown)', retries);
        await sleep(o.lockRetries.delayMs, undefined);
        continue;
      }
      throw new Error(`migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const done = results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
    if (done.length === 0) return applied;
    for (const name of done) {
      applied.push(name);
      o.onApplied?.(name, performance.now() - started);
    }
  }
}

/** PostgreSQL's lock_not_available: a lock wait ran past lock_timeout. */
function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
