/**
 * The retrieval stage of the pipeline (docs/retrieval.md): on a route with `retrieval`, the last user
 * message's nearest chunks go in front of the request as a system message that names each chunk's source,
 * before privacy, policies and routing see it, so the context counts toward context-fit and is checked for
 * personal data like the rest of the request. The caller marks a request that drew on a private collection
 * sensitive (local models only), sends the chunk ids as `x-tandem-sources` and records them on the log row.
 */
import { lastUserText, type ChatMessage, type ChatRequest } from '../spec/chat-request.js';
import { CollectionService, type RetrievalDeps, type RetrievedChunk } from './collection-service.js';
import type { RouteRetrievalConfig } from './retrieval-schema.js';

export interface RetrievalOutcome {
  collection: string;
  /** Ids of the chunks put in front of the request, best first (empty when none scored high enough). */
  sources: string[];
  /** At least one chunk came from a private collection: local models only. */
  private: boolean;
}

const services = new WeakMap<RetrievalDeps, CollectionService>();

/** The gateway's (or CLI run's) collection service, made on first use. */
export function collectionsOf(deps: RetrievalDeps): CollectionService {
  let service = services.get(deps);
  if (!service) {
    service = new CollectionService(deps);
    services.set(deps, service);
  }
  return service;
}

/** Retrieves for the request and puts the context in front of it (the request is changed in place). */
export async function retrieveContext(
  deps: RetrievalDeps,
  config: RouteRetrievalConfig,
  request: ChatRequest,
  signal?: AbortSignal,
): Promise<RetrievalOutcome> {
  const retrieved = await collectionsOf(deps).retrieve(config, lastUserText(request), signal);
  if (retrieved.chunks.length > 0) request.messages.unshift(contextMessage(retrieved.chunks));
  return {
    collection: retrieved.collection,
    sources: retrieved.chunks.map((c) => c.id),
    private: retrieved.private && retrieved.chunks.length > 0,
  };
}

/** The system message that carries the chunks, each headed by its number, source and id. */
export function contextMessage(chunks: readonly RetrievedChunk[]): ChatMessage {
  const passages = chunks.map((c, i) => `[${i + 1}] source: ${c.source} (chunk ${c.id})\n${c.text}`);
  return {
    role: 'system',
    content: `Use the following passages to answer when they are relevant, and cite their numbers. They come from the "${chunks[0]?.collection ?? ''}" collection.\n\n${passages.join('\n\n')}`,
  };
}
