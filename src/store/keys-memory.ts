/** ApiKeyStore in memory (store type `memory` and tests). Records are cloned in and out. */
import type { ApiKeyRecord, ApiKeyStore } from './keys.js';

export function memoryApiKeyStore(): ApiKeyStore {
  const keys = new Map<string, ApiKeyRecord>();
  let changes = 0;
  return {
    async create(key) {
      if (keys.has(key.id)) throw new Error(`API key ${key.id} already exists`);
      if ([...keys.values()].some((k) => k.hash === key.hash)) throw new Error('an API key with this secret already exists');
      keys.set(key.id, structuredClone(key));
      changes++;
    },
    async list() {
      return [...keys.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((k) => structuredClone(k));
    },
    async get(id) {
      const key = keys.get(id);
      return key === undefined ? undefined : structuredClone(key);
    },
    async revoke(id, at) {
      const key = keys.get(id);
      if (key === undefined) return false;
      if (key.revokedAt === null) {
        key.revokedAt = at;
        changes++;
      }
      return true;
    },
    async changeToken() {
      return String(changes);
    },
  };
}
