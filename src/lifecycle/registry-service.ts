/**
 * The registry's rules, shared by `tandem registry`, the admin API and the trainers: register a version,
 * promote one to live, roll back to the version live before, retire one. Every change is an event in the
 * registry (who, why, when) and, when the audit log is on, a `change` record in the audit hash chain.
 *
 * Rollback: the versions that were live, in the order they became live, form a stack. A rollback goes to
 * the newest one below the version live now, and takes the version it rolled back from off the stack, so
 * a second rollback goes further back rather than returning to the version just rolled away from.
 */
import type { AuditChange } from '../store/audit-log.js';
import {
  type ArtifactEntry,
  type ArtifactKind,
  type ArtifactRegistry,
  type ArtifactStatus,
  type NewArtifact,
  type RegistryAction,
  type RegistryEvent,
  isArtifactKind,
} from './artifact-registry.js';

/** A refusal the CLI prints and the admin API answers as 400 (`invalid`), 404 (`not_found`) or 409 (`conflict`). */
export class RegistryError extends Error {
  constructor(
    readonly code: 'invalid' | 'not_found' | 'conflict',
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegistryChangeResult {
  entry: ArtifactEntry;
  /** The version live before the change (retired by it), if any. */
  previous: ArtifactEntry | undefined;
  events: RegistryEvent[];
}

export interface Actor {
  /** Who: `cli:<user>`, `admin-api`, `gateway`, `tandem distill`, … */
  actor: string;
  reason?: string | null;
}

export interface RegistryServiceOptions {
  registry: ArtifactRegistry;
  /** The audit chain to record changes in; null when the audit log is off. */
  audit: { appendChange(change: AuditChange): Promise<unknown> } | null;
  now?: () => number;
  /** Runs after every status change, before the audit record (task students mirror it into `task_students`). */
  afterChange?: (change: RegistryChangeResult & { action: RegistryAction }) => Promise<void>;
}

export class RegistryService {
  private readonly now: () => number;

  constructor(private readonly options: RegistryServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get registry(): ArtifactRegistry {
    return this.options.registry;
  }

  /** Stores a new version as a candidate; with `live`, promotes it at once (a trainer that already compared it). */
  async register(artifact: NewArtifact, by: Actor & { live?: boolean }): Promise<RegistryChangeResult> {
    checkKind(artifact.kind);
    if (artifact.name.trim() === '') throw new RegistryError('invalid', 'An artifact needs a name (the route or model it belongs to).', 'name');
    const time = this.now();
    const entry = await this.options.registry.register(artifact, { actor: by.actor, reason: by.reason ?? null, time });
    await this.audit('register', entry, by, { status: entry.status, sha256: entry.sha256, size: entry.size, provenance: entry.provenance });
    if (by.live) return this.promote({ kind: entry.kind, name: entry.name, version: entry.version }, by);
    return { entry, previous: undefined, events: [] };
  }

  /** Makes a version live; the version live until now is retired. Any version may be promoted, a retired one too. */
  async promote(target: { kind: string; name: string; version: unknown }, by: Actor): Promise<RegistryChangeResult> {
    const kind = checkKind(target.kind);
    const version = checkVersion(target.version);
    const existing = await this.options.registry.get(kind, target.name, version);
    if (existing === undefined) throw await this.notFound(kind, target.name, version);
    return this.change(existing, 'live', 'promote', by);
  }

  /** Makes the version live before the current one live again. */
  async rollback(target: { kind: string; name: string }, by: Actor): Promise<RegistryChangeResult> {
    const kind = checkKind(target.kind);
    const events = await this.options.registry.events(kind, target.name);
    if (events.length === 0) throw await this.notFound(kind, target.name);
    const live = await this.options.registry.live(kind, target.name);
    const stack = liveStack(events).filter((v) => v !== live?.version);
    const back = stack.at(-1);
    if (back === undefined) {
      throw new RegistryError(
        'conflict',
        `${kind}/${target.name} has no earlier live version to roll back to${live ? ` (v${live.version} is the only one that has been live)` : ''}.`,
      );
    }
    const entry = (await this.options.registry.get(kind, target.name, back)) as ArtifactEntry;
    return this.change(entry, 'live', 'rollback', by);
  }

  /**
   * Marks a version as in a canary (an experiment serves it to a share of traffic: lifecycle-stage.ts). The
   * live version stays live; a live version cannot become a canary of itself.
   */
  async canary(target: { kind: string; name: string; version: unknown }, by: Actor): Promise<RegistryChangeResult> {
    const kind = checkKind(target.kind);
    const version = checkVersion(target.version);
    const existing = await this.options.registry.get(kind, target.name, version);
    if (existing === undefined) throw await this.notFound(kind, target.name, version);
    if (existing.status === 'live')
      throw new RegistryError('conflict', `${kind}/${target.name} v${version} is live already; a canary is a version that is not.`);
    return this.change(existing, 'canary', 'canary', by);
  }

  /** Takes a version out of service (a live one too: then nothing of that kind and name is live). */
  async retire(target: { kind: string; name: string; version: unknown }, by: Actor & { action?: RegistryAction }): Promise<RegistryChangeResult> {
    const kind = checkKind(target.kind);
    const version = checkVersion(target.version);
    const existing = await this.options.registry.get(kind, target.name, version);
    if (existing === undefined) throw await this.notFound(kind, target.name, version);
    return this.change(existing, 'retired', by.action ?? 'retire', by);
  }

  /** One kind and name: every version and its history, or a 404. */
  async show(kind: string, name: string): Promise<{ versions: ArtifactEntry[]; events: RegistryEvent[] }> {
    const k = checkKind(kind);
    const versions = await this.options.registry.list({ kind: k, name });
    if (versions.length === 0) throw await this.notFound(k, name);
    return { versions, events: await this.options.registry.events(k, name) };
  }

  private async change(entry: ArtifactEntry, to: ArtifactStatus, action: RegistryAction, by: Actor): Promise<RegistryChangeResult> {
    const previous = to === 'live' ? await this.options.registry.live(entry.kind, entry.name) : undefined;
    const events = await this.options.registry
      .setStatus({ kind: entry.kind, name: entry.name, version: entry.version, to, action, actor: by.actor, reason: by.reason ?? null, time: this.now() })
      .catch((error: unknown) => {
        // Two promotions at once: the one-live index refused the second (PostgreSQL 23505, SQLite's UNIQUE).
        if (isUniqueViolation(error)) {
          throw new RegistryError('conflict', `Another change to ${entry.kind}/${entry.name} was made at the same moment; look at it and try again.`);
        }
        throw error;
      });
    if (events === undefined) throw await this.notFound(entry.kind, entry.name, entry.version);
    const changed = { ...entry, status: to };
    const displaced = previous !== undefined && previous.version !== entry.version ? previous : undefined;
    await this.options.afterChange?.({ entry: changed, previous: displaced, events, action });
    await this.audit(action, changed, by, { from: entry.status, to, previousLive: displaced?.version ?? null, sha256: entry.sha256 });
    return { entry: changed, previous: displaced, events };
  }

  private async audit(action: RegistryAction, entry: ArtifactEntry, by: Actor, detail: Record<string, unknown>): Promise<void> {
    await this.options.audit?.appendChange({
      action: `registry.${action}`,
      subject: `${entry.kind}/${entry.name}@v${entry.version}`,
      actor: by.actor,
      reason: by.reason ?? null,
      detail,
    });
  }

  private async notFound(kind: ArtifactKind, name: string, version?: number): Promise<RegistryError> {
    const versions = await this.options.registry.list({ kind, name });
    if (versions.length === 0) {
      const names = [...new Set((await this.options.registry.list({ kind })).map((e) => e.name))];
      return new RegistryError('not_found', `No ${kind} named "${name}" is registered${names.length ? ` (registered: ${names.join(', ')})` : ''}.`, 'name');
    }
    return new RegistryError('not_found', `${kind}/${name} has no version ${version} (versions: ${versions.map((v) => v.version).join(', ')}).`, 'version');
  }
}

/** The versions that have been live and not rolled away from, oldest first (see the header). */
export function liveStack(events: readonly RegistryEvent[]): number[] {
  const stack: number[] = [];
  const remove = (version: number): void => {
    const at = stack.lastIndexOf(version);
    if (at >= 0) stack.splice(at, 1);
  };
  for (const [i, event] of events.entries()) {
    if (event.toStatus === 'live') {
      remove(event.version);
      stack.push(event.version);
    } else if (event.fromStatus === 'live') {
      const next = events[i + 1];
      // Retired because another version became live: a rollback takes it off the stack, a promotion keeps
      // it to roll back to. Retired by itself (an operator, a demotion): off the stack.
      const displaced = next !== undefined && next.toStatus === 'live' && next.seq > event.seq;
      if (!displaced || next.action === 'rollback') remove(event.version);
    }
  }
  return stack;
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ('code' in error && error.code === '23505') || /UNIQUE constraint failed/.test(error.message);
}

function checkKind(kind: unknown): ArtifactKind {
  if (!isArtifactKind(kind)) {
    throw new RegistryError('invalid', `Unknown artifact kind ${JSON.stringify(kind)}; one of router-scorer, cascade-verifier, task-student, model.`, 'kind');
  }
  return kind;
}

function checkVersion(version: unknown): number {
  const n = typeof version === 'string' && /^v?\d+$/.test(version) ? Number(version.replace(/^v/, '')) : version;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RegistryError('invalid', `A version is a whole number from 1, got ${JSON.stringify(version)}.`, 'version');
  }
  return n;
}
