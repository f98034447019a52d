/** The in-process CollectionStore, for `store.type: memory` and tests: nothing survives a restart. */
import { checkSameEmbedder, type CollectionInfo, type CollectionStore, type NewChunk, type StoredChunk, type StoredDocument } from './collection-store.js';

interface MemoryCollection {
  info: Omit<CollectionInfo, 'documents' | 'chunks'>;
  documents: Map<string, StoredDocument>;
  /** By chunk id. */
  chunks: Map<string, StoredChunk>;
}

export function memoryCollectionStore(): CollectionStore {
  const collections = new Map<string, MemoryCollection>();
  const infoOf = (c: MemoryCollection): CollectionInfo => ({ ...c.info, documents: c.documents.size, chunks: c.chunks.size });
  return {
    async ensureCollection(settings) {
      const existing = collections.get(settings.name);
      if (existing) {
        checkSameEmbedder(existing.info, settings);
        if (settings.private && !existing.info.private) existing.info = { ...existing.info, private: true, updatedAt: settings.time };
        return infoOf(existing);
      }
      const created: MemoryCollection = {
        info: {
          name: settings.name,
          private: settings.private,
          embedder: settings.embedder,
          dimensions: settings.dimensions,
          embedderState: null,
          createdAt: settings.time,
          updatedAt: settings.time,
        },
        documents: new Map(),
        chunks: new Map(),
      };
      collections.set(settings.name, created);
      return infoOf(created);
    },
    async collection(name) {
      const c = collections.get(name);
      return c && infoOf(c);
    },
    async collectionSettings(name) {
      const c = collections.get(name);
      return c && { ...c.info };
    },
    async collections() {
      return [...collections.values()].map(infoOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async document(collection, source) {
      const d = collections.get(collection)?.documents.get(source);
      return d && { ...d };
    },
    async replaceDocument(document, chunks: readonly NewChunk[]) {
      const c = collections.get(document.collection);
      if (!c) throw new Error(`collection "${document.collection}" does not exist`);
      const removed: string[] = [];
      for (const [id, chunk] of c.chunks) {
        if (chunk.source === document.source) removed.push(id);
      }
      for (const id of removed) c.chunks.delete(id);
      for (const chunk of chunks) c.chunks.set(chunk.id, { ...chunk, collection: document.collection, source: document.source });
      c.documents.set(document.source, {
        collection: document.collection,
        source: document.source,
        hash: document.hash,
        chunks: chunks.length,
        ingestedAt: document.time,
      });
      c.info = { ...c.info, updatedAt: document.time };
      return removed.filter((id) => !chunks.some((chunk) => chunk.id === id));
    },
    async chunks(collection, ids) {
      const c = collections.get(collection);
      if (!c) return [];
      const found: StoredChunk[] = [];
      for (const id of ids) {
        const chunk = c.chunks.get(id);
        if (chunk) found.push({ ...chunk });
      }
      return found;
    },
    async saveEmbedderState(name, state, time) {
      const c = collections.get(name);
      if (!c) throw new Error(`collection "${name}" does not exist`);
      c.info = { ...c.info, embedderState: state, updatedAt: time };
    },
    async deleteCollection(name) {
      return collections.delete(name);
    },
  };
}
