/**
 * The embedder of one collection: the built-in lexical embedder with the document frequencies the
 * collection taught it (kept in the store as `embedderState`), or the collection's `embeddings_model`.
 * Chunks and queries of a collection must go through the same one, so its `name` is recorded with the
 * collection and checked on every ingest and query.
 */
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { GatewayError } from '../spec/errors.js';
import type { Embedder } from '../vector/embedder.js';
import { DocumentFrequencies, LexicalEmbedder } from '../vector/lexical-embedder.js';
import { ModelEmbedder } from './model-embedder.js';
import type { CollectionSettingsConfig } from './retrieval-schema.js';

/**
 * Buckets of the lexical embedder for collections: four times the cache's 256, because a chunk of ~800
 * characters has ~700 hashed features, which 256 buckets blur into noise (on five one-line documents the
 * right one ranked first 4 times of 5 at 256 and 5 of 5 at 1024, with twice the margin). pgvector indexes
 * up to 2,000 dimensions.
 */
export const COLLECTION_LEXICAL_DIMENSIONS = 1024;

export interface CollectionEmbedder {
  embedder: Embedder;
  /** Teaches the embedder texts being stored (the lexical embedder's IDF); a no-op for a model. */
  learn(texts: readonly string[]): void;
  /** What to keep in the store for later queries and ingests; null when nothing was learned. */
  state(): string | null;
}

export function collectionEmbedder(
  settings: Pick<CollectionSettingsConfig, 'embeddings_model'>,
  state: string | null,
  adapters: ReadonlyMap<string, ProviderAdapter>,
): CollectionEmbedder {
  const modelName = settings.embeddings_model;
  if (modelName !== undefined) {
    const adapter = adapters.get(modelName);
    if (!adapter?.embed) {
      throw new GatewayError({
        status: 503,
        code: 'embeddings_unavailable',
        message: `The collection's embeddings model "${modelName}" is not available: it must be a configured model with capabilities.embeddings: true.`,
      });
    }
    return { embedder: new ModelEmbedder(adapter), learn: () => undefined, state: () => null };
  }
  const lexical = new LexicalEmbedder(
    state === null
      ? { dimensions: COLLECTION_LEXICAL_DIMENSIONS }
      : { frequencies: DocumentFrequencies.fromJSON(JSON.parse(state) as Parameters<typeof DocumentFrequencies.fromJSON>[0]) },
  );
  return {
    embedder: lexical,
    learn: (texts) => lexical.observe(texts),
    state: () => JSON.stringify(lexical.frequencies.toJSON()),
  };
}

/** The name the collection's embedder will record, known before any text is embedded. */
export function embedderName(settings: Pick<CollectionSettingsConfig, 'embeddings_model'>): string {
  return settings.embeddings_model === undefined
    ? new LexicalEmbedder({ dimensions: COLLECTION_LEXICAL_DIMENSIONS }).name
    : `model:${settings.embeddings_model}`;
}
