/** Registry versions and events as `tandem registry --json` and the admin API show them (snake_case, ISO times). */
import type { ArtifactEntry, RegistryEvent } from './artifact-registry.js';

/** A version as `--json` and the admin API show it. */
export function entryView(e: ArtifactEntry): Record<string, unknown> {
  return {
    kind: e.kind,
    name: e.name,
    version: e.version,
    status: e.status,
    sha256: e.sha256,
    size: e.size,
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
    provenance: e.provenance,
    metrics: e.metrics,
  };
}

export function eventView(e: RegistryEvent): Record<string, unknown> {
  return {
    seq: e.seq,
    time: iso(e.time),
    version: e.version,
    action: e.action,
    from: e.fromStatus,
    to: e.toStatus,
    actor: e.actor,
    reason: e.reason,
  };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
