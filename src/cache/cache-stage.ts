/**
 * The answer cache of the routes that configure `cache` (docs/caching.md), as the pipeline sees it: one
 * `lookup` per request that says hit, miss or bypass, and on a miss a `keep` to call with the answer once
 * it is complete.
 *
 * - Bypass: the client sent `Cache-Control: no-cache|no-store` or `x-tandem-cache: bypass`; `temperature`
 *   is above 0 and the route does not allow it; privacy found personal data (a blocked request never
 *   gets here; a pseudonymised or local-only one is neither looked up nor kept, so no answer about
 *   personal data is ever stored); or the request is sensitive (x-tandem-sensitive, or it retrieved from
 *   a private collection).
 * - Scope: the route and the API key (the caller's key id), or the route alone with `shared: true`; no
 *   key can read another's entries, as the scope is part of every key and every vector space.
 * - Exact: the hash of the normalised request fields in `cache.key` (cache-key.ts).
 * - Semantic (opt-in): on an exact miss, the conversation's text is embedded (the built-in lexical
 *   embedder, or `semantic.embeddings_model`) and the nearest earlier request of the same scope is looked up
 *   in the store's vector index; at or above `threshold`, and with the same settings (model, tools,
 *   sampling: everything in the key but the messages), its answer is replayed. An embeddings model that
 *   fails skips the semantic lookup for that request with a warning (x-tandem-warnings): the request is
 *   still answered, by a model.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { ModelInfo } from '../spec/model-info.js';
import { type ChatRequest, messageText } from '../spec/chat-request.js';
import type { PrivacyOutcome } from '../spec/request-record.js';
import type { ChatResult } from '../spec/stream-part.js';
import type { Usage } from '../spec/usage.js';
import type { Embedder } from '../vector/embedder.js';
import { DocumentFrequencies, LexicalEmbedder } from '../vector/lexical-embedder.js';
import { MemoryVectorIndex } from '../vector/memory-vector-index.js';
import type { VectorIndex } from '../vector/vector-index.js';
import type { AnswerCacheStore } from './answer-cache-store.js';
import type { RouteCacheConfig } from './cache-schema.js';
import { exactKey, settingsKey } from './cache-key.js';
import { MemoryAnswerCache } from './memory-answer-cache.js';
import { ModelEmbedder } from '../retrieval/model-embedder.js';

export type CacheStatus = 'hit' | 'miss' | 'bypass';

export interface CachedAnswer {
  result: ChatResult;
  /** The configured model that made the answer. */
  model: string;
  usage: Usage;
}

export interface CacheLookup {
  status: CacheStatus;
  /** What the hit replays; present when status is `hit`. */
  hit?: CachedAnswer;
  /** `exact` or `semantic 0.93`: the row's reason says which. */
  how?: string;
  /** On a miss: keep the complete answer (fire and forget; a failure is logged, never the client's). */
  keep?(answer: CachedAnswer): void;
}

interface StoredAnswer extends CachedAnswer {
  settings: string;
}

interface RouteCache {
  config: RouteCacheConfig;
  store: AnswerCacheStore;
  semantic: SemanticLayer | null;
}

interface SemanticLayer {
  threshold: number;
  embedder: Embedder;
  /** The built-in embedder's document frequencies, learned from the prompts stored. */
  lexical: LexicalEmbedder | null;
  vectors: VectorIndex;
}

/** Where the lexical embedder's document frequencies are kept, beside the entries (never evicted with them). */
const DF_GROUP = '\u0002df\u0001';
const DF_SAVE_EVERY = 25;
const NO_EXPIRY = 8_640_000_000_000_000;

interface LookupInput {
  route: string | null;
  request: ChatRequest;
  headers: IncomingHttpHeaders;
  keyId: string | null;
  privacy: PrivacyOutcome | undefined;
  /** Marked sensitive (x-tandem-sensitive, or context from a private collection): kept out of the cache. */
  sensitive?: boolean;
  warn: (message: string) => void;
  signal: AbortSignal;
}

export interface CacheStageOptions {
  routes: ReadonlyArray<[string, RouteCacheConfig]>;
  /** The store's cache table and vector index (`backend: store`, semantic vectors). */
  storeCache?: AnswerCacheStore;
  storeVectors?: VectorIndex;
  redisCache?: AnswerCacheStore;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  now?: () => number;
}

export class CacheStage {
  readonly #routes = new Map<string, RouteCache>();
  readonly #now: () => number;
  readonly #dfLoaded = new Map<string, Promise<void>>();
  readonly #dfPending = new Map<string, number>();
  readonly #keeping = new Set<Promise<void>>();

  constructor(options: CacheStageOptions) {
    this.#now = options.now ?? Date.now;
    const memory = new MemoryAnswerCache();
    for (const [name, config] of options.routes) {
      if (!config.enabled) continue;
      const store = config.backend === 'store' ? options.storeCache : config.backend === 'redis' ? options.redisCache : memory;
      if (!store)
        throw new Error(
          `route "${name}": cache.backend ${config.backend} is not available (${config.backend === 'redis' ? 'set cluster.redis' : 'this store has no cache table'})`,
        );
      let semantic: SemanticLayer | null = null;
      if (config.semantic?.enabled) {
        const modelName = config.semantic.embeddings_model;
        let embedder: Embedder;
        let lexical: LexicalEmbedder | null = null;
        if (modelName === undefined) embedder = lexical = new LexicalEmbedder({ dimensions: config.semantic.lexical_dimensions });
        else {
          const adapter = options.adapters.get(modelName);
          if (!adapter?.embed) throw new Error(`route "${name}": cache.semantic.embeddings_model "${modelName}" is not a model with capabilities.embeddings`);
          embedder = new ModelEmbedder(adapter);
        }
        // Vectors of memory-kept answers stay in memory too: they would outlive their answers elsewhere.
        const vectors = config.backend === 'memory' ? new MemoryVectorIndex() : (options.storeVectors ?? new MemoryVectorIndex());
        semantic = { threshold: config.semantic.threshold, embedder, lexical, vectors };
      }
      this.#routes.set(name, { config, store, semantic });
    }
  }

  has(route: string | null): boolean {
    return route !== null && this.#routes.has(route);
  }

  /**
   * null: the route has no cache. A cache that cannot be read (Redis or the database down) is a bypass with
   * a warning, never the request's failure.
   */
  async lookup(o: LookupInput): Promise<CacheLookup | null> {
    const cache = o.route === null ? undefined : this.#routes.get(o.route);
    if (!cache || o.route === null) return null;
    try {
      return await this.#lookup(o, o.route, cache);
    } catch (error) {
      o.warn(`cache skipped: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 'bypass' };
    }
  }

  async #lookup(o: LookupInput, route: string, cache: RouteCache): Promise<CacheLookup> {
    const { config } = cache;
    if (bypassRequested(o.headers)) return { status: 'bypass' };
    if ((o.request.params.temperature ?? 0) > 0 && !config.allow_temperature) return { status: 'bypass' };
    if (o.sensitive === true || (o.privacy && Object.keys(o.privacy.findings).length > 0)) return { status: 'bypass' };
    if (o.request.params.n !== undefined && o.request.params.n > 1) return { status: 'bypass' };
    const group = `${route}\u0001`;
    const scope = `${group}${config.shared ? '*' : (o.keyId ?? '-')}`;
    const key = exactKey(o.request, config.key);
    const settings = settingsKey(o.request, config.key);
    const now = this.#now();
    const exact = await cache.store.get(scope, key, now);
    const found = exact === undefined ? undefined : (JSON.parse(exact) as StoredAnswer);
    if (found) return { status: 'hit', hit: found, how: 'exact' };

    const semantic = cache.semantic;
    let vector: Float32Array | null = null;
    // The embedder's name is part of the space: vectors of different embedders are never compared.
    const space = semantic ? semanticSpace(semantic, scope) : '';
    if (semantic) {
      try {
        if (semantic.lexical) await this.#loadFrequencies(route, cache.store, semantic.lexical);
        vector = (await semantic.embedder.embed([conversationText(o.request)], o.signal))[0] ?? null;
      } catch (error) {
        o.warn(`semantic cache skipped: embeddings failed (${error instanceof Error ? error.message : String(error)})`);
      }
      if (vector) {
        let near: Awaited<ReturnType<VectorIndex['search']>> = [];
        try {
          near = await semantic.vectors.search(space, vector, 4, { minScore: semantic.threshold });
        } catch (error) {
          // The vector index is unavailable (pgvector not enabled): the exact layer still serves and keeps.
          o.warn(`semantic cache skipped: ${error instanceof Error ? error.message : String(error)}`);
        }
        for (const match of near) {
          const text = await cache.store.get(scope, match.id, now);
          if (text === undefined) {
            await semantic.vectors.remove(space, [match.id]);
            continue;
          }
          const stored = JSON.parse(text) as StoredAnswer;
          if (stored.settings === settings) return { status: 'hit', hit: stored, how: `semantic ${match.score.toFixed(3)}` };
        }
      }
    }
    const bounds = { maxEntries: config.max_entries, maxBytes: config.max_bytes };
    return {
      status: 'miss',
      keep: (answer) => {
        const value = JSON.stringify({ ...answer, result: { ...answer.result }, settings } satisfies StoredAnswer);
        const put = async (): Promise<void> => {
          const at = this.#now();
          const evicted = await cache.store.put({ scope, key, value, expiresAt: at + config.ttl_s * 1000 }, group, bounds, at);
          if (!semantic) return;
          for (const e of evicted) await semantic.vectors.remove(semanticSpace(semantic, e.scope), [e.key]);
          if (semantic.lexical) {
            semantic.lexical.observe([conversationText(o.request)]);
            await this.#saveFrequencies(route, cache.store, semantic.lexical);
          }
          // Embedded again after observing, so the stored vector has this prompt's own document frequencies.
          const stored = semantic.lexical ? semantic.lexical.embedOne(conversationText(o.request)) : vector;
          if (!stored) return;
          await semantic.vectors.ensureSpace(space, stored.length);
          await semantic.vectors.upsert(space, [{ id: key, vector: stored }]);
        };
        const kept = put()
          .catch((error: unknown) =>
            console.error(`tandem: route "${route}": keeping an answer in the cache failed: ${error instanceof Error ? error.message : String(error)}`),
          )
          .finally(() => this.#keeping.delete(kept));
        this.#keeping.add(kept);
      },
    };
  }

  /** Resolves once every answer being kept now is stored (tests, the bench, shutdown). */
  async settled(): Promise<void> {
    while (this.#keeping.size > 0) await Promise.all([...this.#keeping]);
  }

  #loadFrequencies(route: string, store: AnswerCacheStore, lexical: LexicalEmbedder): Promise<void> {
    let loaded = this.#dfLoaded.get(route);
    if (!loaded) {
      loaded = store.get(`${DF_GROUP}${route}`, 'df', this.#now()).then((text) => {
        if (text === undefined || lexical.frequencies.docs > 0) return;
        const table = DocumentFrequencies.fromJSON(JSON.parse(text) as ReturnType<DocumentFrequencies['toJSON']>);
        if (table.dimensions !== lexical.dimensions) return;
        lexical.frequencies.counts.set(table.counts);
        lexical.frequencies.docs = table.docs;
      });
      this.#dfLoaded.set(route, loaded);
    }
    return loaded;
  }

  async #saveFrequencies(route: string, store: AnswerCacheStore, lexical: LexicalEmbedder): Promise<void> {
    const pending = (this.#dfPending.get(route) ?? 0) + 1;
    if (pending < DF_SAVE_EVERY && lexical.frequencies.docs > DF_SAVE_EVERY) {
      this.#dfPending.set(route, pending);
      return;
    }
    this.#dfPending.set(route, 0);
    const value = JSON.stringify(lexical.frequencies.toJSON());
    await store.put(
      { scope: `${DF_GROUP}${route}`, key: 'df', value, expiresAt: NO_EXPIRY },
      DF_GROUP,
      { maxEntries: 1_000_000, maxBytes: Number.MAX_SAFE_INTEGER },
      this.#now(),
    );
  }
}

function semanticSpace(semantic: SemanticLayer, scope: string): string {
  return `cache\u0001${semantic.embedder.name}\u0001${scope}`;
}

/** `Cache-Control: no-cache` / `no-store`, or `x-tandem-cache: bypass`. */
export function bypassRequested(headers: IncomingHttpHeaders): boolean {
  const cc = headers['cache-control'];
  if (typeof cc === 'string' && /\bno-(cache|store)\b/i.test(cc)) return true;
  const x = headers['x-tandem-cache'];
  return typeof x === 'string' && x.trim().toLowerCase() === 'bypass';
}

/** What the semantic layer embeds: every message's text, one per line, other roles' than the user's tagged. */
export function conversationText(request: ChatRequest): string {
  return request.messages.map((m) => (m.role === 'user' ? messageText(m) : `${m.role}: ${messageText(m)}`)).join('\n');
}

/** The model a hit is recorded under: the one that made the answer, at price 0 (nothing was called). */
export function cacheHitModel(models: ReadonlyMap<string, ModelInfo>, fallback: ModelInfo, name: string): ModelInfo {
  const made = models.get(name) ?? fallback;
  return { ...made, name, pricing: { inputPer1M: 0, outputPer1M: 0, cachedInputPer1M: 0 } };
}
