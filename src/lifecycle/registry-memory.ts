/** ArtifactRegistry in memory (store type `memory` and tests). Entries and bytes are copied in and out. */
import type { ArtifactEntry, ArtifactRegistry, RegistryEvent } from './artifact-registry.js';
import { sha256Hex } from './registry-sql.js';

export function memoryArtifactRegistry(): ArtifactRegistry {
  const entries = new Map<string, { entry: ArtifactEntry; bytes: Uint8Array }>();
  const events: RegistryEvent[] = [];
  const key = (kind: string, name: string, version: number): string => `${kind}\u0000${name}\u0000${version}`;
  const copy = (entry: ArtifactEntry): ArtifactEntry => structuredClone(entry);
  const all = (): ArtifactEntry[] => [...entries.values()].map((e) => e.entry);
  const record = (event: Omit<RegistryEvent, 'seq'>): RegistryEvent => {
    const stored = { ...event, seq: events.length + 1 };
    events.push(stored);
    return { ...stored };
  };
  const order = (a: ArtifactEntry, b: ArtifactEntry): number =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : b.version - a.version;

  return {
    async register(artifact, by) {
      const top = all()
        .filter((e) => e.kind === artifact.kind && e.name === artifact.name)
        .reduce((max, e) => Math.max(max, e.version), 0);
      if (artifact.version !== undefined && artifact.version <= top) {
        throw new Error(`${artifact.kind}/${artifact.name} already has version ${top}; a registered version must be higher than ${top}`);
      }
      const version = artifact.version ?? top + 1;
      const entry: ArtifactEntry = {
        kind: artifact.kind,
        name: artifact.name,
        version,
        sha256: sha256Hex(artifact.bytes),
        size: artifact.bytes.length,
        createdAt: artifact.createdAt,
        status: 'candidate',
        updatedAt: by.time,
        provenance: structuredClone(artifact.provenance),
        metrics: structuredClone(artifact.metrics),
      };
      entries.set(key(entry.kind, entry.name, version), { entry, bytes: new Uint8Array(artifact.bytes) });
      record({
        time: by.time,
        kind: entry.kind,
        name: entry.name,
        version,
        action: 'register',
        fromStatus: null,
        toStatus: 'candidate',
        actor: by.actor,
        reason: by.reason,
      });
      return copy(entry);
    },
    async setStatus(change) {
      const target = entries.get(key(change.kind, change.name, change.version))?.entry;
      if (target === undefined) return undefined;
      const written: RegistryEvent[] = [];
      const by = { actor: change.actor, reason: change.reason, time: change.time };
      if (change.to === 'live') {
        const live = all().find((e) => e.kind === change.kind && e.name === change.name && e.status === 'live');
        if (live !== undefined && live.version !== change.version) {
          live.status = 'retired';
          live.updatedAt = by.time;
          written.push(record({ ...by, kind: live.kind, name: live.name, version: live.version, action: 'retire', fromStatus: 'live', toStatus: 'retired' }));
        }
      }
      const fromStatus = target.status;
      target.status = change.to;
      target.updatedAt = by.time;
      written.push(record({ ...by, kind: target.kind, name: target.name, version: target.version, action: change.action, fromStatus, toStatus: change.to }));
      return written;
    },
    async list(filter = {}) {
      return all()
        .filter((e) => (filter.kind === undefined || e.kind === filter.kind) && (filter.name === undefined || e.name === filter.name))
        .sort(order)
        .map(copy);
    },
    async get(kind, name, version) {
      const found = entries.get(key(kind, name, version));
      return found && copy(found.entry);
    },
    async live(kind, name) {
      const found = all().find((e) => e.kind === kind && e.name === name && e.status === 'live');
      return found && copy(found);
    },
    async liveAll(kind) {
      return all()
        .filter((e) => e.status === 'live' && (kind === undefined || e.kind === kind))
        .sort(order)
        .map(copy);
    },
    async bytes(kind, name, version) {
      const found = entries.get(key(kind, name, version));
      return found && new Uint8Array(found.bytes);
    },
    async events(kind, name) {
      return events.filter((e) => e.kind === kind && e.name === name).map((e) => ({ ...e }));
    },
    async changeCounter() {
      return events.length;
    },
  };
}
