/**
 * The model registry's store interface (docs/lifecycle.md, "Registry"): every learned artifact (router
 * scorer, cascade verifier, task student) and every model a user wants versioned, with its bytes, where
 * it came from, how it measured, and its status. One implementation per backend (registry-memory.ts,
 * registry-sql.ts), all held to registry.contract.ts. The rules of promotion and rollback live one level
 * up, in registry-service.ts; the store only keeps them atomic.
 */

export const ARTIFACT_KINDS = ['router-scorer', 'cascade-verifier', 'task-student', 'model'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export const ARTIFACT_STATUSES = ['candidate', 'canary', 'live', 'retired'] as const;
export type ArtifactStatus = (typeof ARTIFACT_STATUSES)[number];

/** Where an artifact was trained from: the log's row range or time window, a dataset, how many examples. All optional. */
export interface TrainingProvenance {
  dataset?: string;
  examples?: number;
  /** Time window of the log the examples came from (ms since the epoch). */
  since?: number;
  until?: number;
  /** Row range of the log (request ids or sequence numbers as text). */
  firstRow?: string;
  lastRow?: string;
  /** Anything else the trainer wants to keep (seed, command line, …); JSON-safe. */
  [key: string]: unknown;
}

export interface ArtifactEntry {
  kind: ArtifactKind;
  /** The route (router scorer, verifier, task student) or model the artifact belongs to. */
  name: string;
  /** 1, 2, 3, … per kind and name, never reused. */
  version: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  size: number;
  createdAt: number;
  status: ArtifactStatus;
  /** When the status last changed (ms). */
  updatedAt: number;
  provenance: TrainingProvenance;
  /** Evaluation metrics, JSON-safe. */
  metrics: Record<string, unknown>;
}

/** What happened to one version; the registry's own history (the audit chain holds the same, hash-linked). */
export interface RegistryEvent {
  /** Increases with every change of the whole registry: the change counter replicas poll. */
  seq: number;
  time: number;
  kind: ArtifactKind;
  name: string;
  version: number;
  action: RegistryAction;
  fromStatus: ArtifactStatus | null;
  toStatus: ArtifactStatus;
  actor: string;
  reason: string | null;
}

export type RegistryAction = 'register' | 'promote' | 'rollback' | 'retire' | 'canary' | 'demote';

export interface NewArtifact {
  kind: ArtifactKind;
  name: string;
  /** Unset: one more than the highest version so far. Set (task students keep their own numbering): must be higher. */
  version?: number;
  bytes: Uint8Array;
  createdAt: number;
  provenance: TrainingProvenance;
  metrics: Record<string, unknown>;
}

/** Who changes a status, and why; kept in the event and the audit chain. */
export interface ChangeBy {
  actor: string;
  reason: string | null;
  time: number;
}

export interface StatusChange extends ChangeBy {
  kind: ArtifactKind;
  name: string;
  version: number;
  to: ArtifactStatus;
  action: RegistryAction;
}

export interface ArtifactRegistry {
  /**
   * Stores a new version as `candidate` with its bytes and a `register` event, and returns it. Rejects a
   * given version that is not higher than every version so far.
   */
  register(artifact: NewArtifact, by: ChangeBy): Promise<ArtifactEntry>;
  /**
   * Sets one version's status and records the event. Setting `live` first retires the version live
   * until now (its own `retire` event, same actor and reason), so at most one version per kind and name
   * is ever live. Returns the events written (the displaced live one first); undefined when there is no
   * such version.
   */
  setStatus(change: StatusChange): Promise<RegistryEvent[] | undefined>;
  /** Every version, or those of one kind (and name): by kind, name, then newest version first. */
  list(filter?: { kind?: ArtifactKind; name?: string }): Promise<ArtifactEntry[]>;
  get(kind: ArtifactKind, name: string, version: number): Promise<ArtifactEntry | undefined>;
  /** The live version of a kind and name. */
  live(kind: ArtifactKind, name: string): Promise<ArtifactEntry | undefined>;
  /** Every live version, of one kind or all (what a replica serves). */
  liveAll(kind?: ArtifactKind): Promise<ArtifactEntry[]>;
  /** The bytes of a version; undefined when there is no such version. */
  bytes(kind: ArtifactKind, name: string, version: number): Promise<Uint8Array | undefined>;
  /** A kind and name's events, oldest first. */
  events(kind: ArtifactKind, name: string): Promise<RegistryEvent[]>;
  /** The newest event's seq (0 when none): changes whenever anything in the registry changes. Cheap. */
  changeCounter(): Promise<number>;
}

export function isArtifactKind(value: unknown): value is ArtifactKind {
  return typeof value === 'string' && (ARTIFACT_KINDS as readonly string[]).includes(value);
}

export function isArtifactStatus(value: unknown): value is ArtifactStatus {
  return typeof value === 'string' && (ARTIFACT_STATUSES as readonly string[]).includes(value);
}
