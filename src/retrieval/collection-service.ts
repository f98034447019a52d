/**
 * Retrieval collections at work (docs/retrieval.md): ingesting files (read, chunk, embed, store the chunk
 * texts in the CollectionStore and their vectors in the store's VectorIndex), listing and deleting
 * collections, and finding the chunks nearest a query. Used by `tandem ingest`, the admin API and the
 * retrieval stage of the pipeline; one per gateway (or CLI run).
 *
 * An ingest checks every file before it writes anything: one unsupported or empty file fails the whole
 * call with a 400. A file whose content hash is already stored is left alone; a changed one has its chunks
 * replaced (new vectors in, new chunk rows, then the old ones out).
 */
import { createHash } from 'node:crypto';
import type { TandemConfig } from '../config/schema.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { GatewayError } from '../spec/errors.js';
import type { Store } from '../store/request-log.js';
import type { VectorIndex } from '../vector/vector-index.js';
import { chunkText, type ChunkOptions } from './chunk-text.js';
import { collectionEmbedder, embedderName, type CollectionEmbedder } from './collection-embedder.js';
import { CollectionConflict, collectionSpace, type CollectionInfo, type NewChunk, type StoredChunk } from './collection-store.js';
import { DocumentError, documentType, readDocument } from './read-document.js';
import { COLLECTION_NAME, DEFAULT_COLLECTION_SETTINGS, type CollectionSettingsConfig, type RouteRetrievalConfig } from './retrieval-schema.js';

/** What the service needs of a gateway (a Gateway satisfies it). */
export interface RetrievalDeps {
  config: Pick<TandemConfig, 'collections'>;
  store: Pick<Store, 'collections' | 'vectors'>;
  adapters: ReadonlyMap<string, ProviderAdapter>;
}

export interface IngestFile {
  /** A path relative to what was ingested, or the name a client gave. */
  source: string;
  bytes: Uint8Array;
}

export interface IngestOptions {
  /** Marks the collection private (never un-marks it). */
  private?: boolean;
  /** The JSONL text field; else the collection's `text_field`. */
  textField?: string;
  /** Else the collection's `chunking`. */
  chunking?: Partial<ChunkOptions>;
  signal?: AbortSignal;
  /** Milliseconds since the epoch (default now). */
  time?: number;
}

export interface IngestedDocument {
  source: string;
  status: 'added' | 'replaced' | 'unchanged';
  chunks: number;
}

export interface IngestReport {
  collection: string;
  private: boolean;
  embedder: string;
  documents: IngestedDocument[];
  /** Chunks embedded and stored by this call. */
  chunks: number;
  ms: number;
}

export interface RetrievedChunk extends StoredChunk {
  score: number;
}

export interface Retrieved {
  collection: string;
  /** The collection is private (in the store or in config). */
  private: boolean;
  chunks: RetrievedChunk[];
}

interface Prepared {
  source: string;
  hash: string;
  previous: string | undefined;
  chunks: NewChunk[];
}

export class CollectionService {
  /** Ingests into one collection run one at a time (they share its embedder state). */
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Query embedders by collection, rebuilt when the stored state changes (another ingest, another replica). */
  readonly #queryEmbedders = new Map<string, { embedder: string; state: string | null; built: CollectionEmbedder }>();

  constructor(private readonly deps: RetrievalDeps) {}

  settings(name: string): CollectionSettingsConfig {
    return this.deps.config.collections[name] ?? DEFAULT_COLLECTION_SETTINGS;
  }

  async list(): Promise<CollectionInfo[]> {
    return this.deps.store.collections.collections();
  }

  async get(name: string): Promise<CollectionInfo> {
    const info = await this.deps.store.collections.collection(name);
    if (!info) throw unknownCollection(name);
    return info;
  }

  async ingest(name: string, files: readonly IngestFile[], options: IngestOptions = {}): Promise<IngestReport> {
    checkName(name);
    const previous = this.#locks.get(name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#ingest(name, files, options));
    this.#locks.set(name, run);
    try {
      return await run;
    } finally {
      if (this.#locks.get(name) === run) this.#locks.delete(name);
    }
  }

  async #ingest(name: string, files: readonly IngestFile[], options: IngestOptions): Promise<IngestReport> {
    const started = performance.now();
    const time = options.time ?? Date.now();
    const settings = this.settings(name);
    const vectors = this.#vectors();
    const store = this.deps.store.collections;
    if (files.length === 0) throw badDocument('no documents to ingest', 'empty_document', 'documents');
    const seen = new Set<string>();
    for (const file of files) {
      if (seen.has(file.source)) throw badDocument(`${file.source} is given twice`, 'invalid_document', 'documents');
      seen.add(file.source);
    }
    const existing = await store.collection(name);
    const name_ = embedderName(settings);
    if (existing && existing.embedder !== name_)
      throw conflict(
        new CollectionConflict(
          `collection "${name}" was embedded with ${existing.embedder}, but its settings now name ${name_}; delete it and ingest again to change embedders`,
        ),
      );
    const chunking: ChunkOptions = {
      maxChars: options.chunking?.maxChars ?? settings.chunking.max_chars,
      overlapChars: options.chunking?.overlapChars ?? settings.chunking.overlap_chars,
    };
    // Every file is read and chunked before anything is written.
    const prepared: Prepared[] = [];
    const report: IngestedDocument[] = [];
    for (const file of files) {
      const type = documentTypeOrThrow(file.source);
      const hash = createHash('sha256').update(file.bytes).digest('hex');
      const stored = existing ? await store.document(name, file.source) : undefined;
      if (stored?.hash === hash) {
        report.push({ source: file.source, status: 'unchanged', chunks: stored.chunks });
        continue;
      }
      const sections = await readOrThrow(file, type, options.textField ?? settings.text_field);
      const chunks: NewChunk[] = [];
      for (const section of sections) {
        for (const piece of chunkText(section.text, chunking)) {
          const ordinal = chunks.length;
          chunks.push({
            id: chunkId(name, file.source, hash, ordinal),
            ordinal,
            start: section.offset + piece.start,
            end: section.offset + piece.end,
            text: piece.text,
          });
        }
      }
      prepared.push({ source: file.source, hash, previous: stored?.hash, chunks });
      report.push({ source: file.source, status: stored ? 'replaced' : 'added', chunks: chunks.length });
    }
    const isPrivate = options.private === true || settings.private || existing?.private === true;
    if (prepared.length === 0 && existing) {
      if (isPrivate && !existing.private)
        await store.ensureCollection({ name, private: true, embedder: existing.embedder, dimensions: existing.dimensions, time });
      return { collection: name, private: isPrivate, embedder: existing.embedder, documents: report, chunks: 0, ms: performance.now() - started };
    }
    // Embedded before any write: a failing embeddings model leaves the collection as it was.
    const embedder = collectionEmbedder(settings, existing?.embedderState ?? null, this.deps.adapters);
    const texts = prepared.flatMap((p) => p.chunks.map((c) => c.text));
    embedder.learn(texts);
    const embedded = texts.length === 0 ? [] : await embedder.embedder.embed(texts, options.signal);
    // What the embedder produced now: a model whose width changed since the collection was made is a conflict.
    const dimensions = embedded[0]?.length ?? existing?.dimensions ?? embedder.embedder.dimensions;
    let info: CollectionInfo;
    try {
      info = await store.ensureCollection({ name, private: isPrivate, embedder: embedder.embedder.name, dimensions, time });
    } catch (error) {
      throw error instanceof CollectionConflict ? conflict(error) : error;
    }
    const space = collectionSpace(name);
    // A new collection starts from an empty space (a crash during an earlier delete may have left vectors).
    if (!existing) await vectors.dropSpace(space);
    await vectors.ensureSpace(space, info.dimensions);
    let at = 0;
    for (const document of prepared) {
      const items = document.chunks.map((chunk, i) => ({ id: chunk.id, vector: embedded[at + i] as Float32Array }));
      at += document.chunks.length;
      if (items.length > 0) await vectors.upsert(space, items);
      const removed = await store.replaceDocument({ collection: name, source: document.source, hash: document.hash, time }, document.chunks);
      if (removed.length > 0) await vectors.remove(space, removed);
    }
    const state = embedder.state();
    if (state !== null) await store.saveEmbedderState(name, state, time);
    return { collection: name, private: info.private, embedder: info.embedder, documents: report, chunks: texts.length, ms: performance.now() - started };
  }

  /** Deletes the collection's chunks, documents and vectors; 404 when there is no such collection. */
  async delete(name: string): Promise<void> {
    const vectors = this.#vectors();
    const deleted = await this.deps.store.collections.deleteCollection(name);
    // Its vectors go whether or not its rows were there: nothing may outlive a delete.
    await vectors.dropSpace(collectionSpace(name));
    this.#queryEmbedders.delete(name);
    if (!deleted) throw unknownCollection(name);
  }

  /** The route's chunks for a query, best first; a 404 for a collection that does not exist. */
  async retrieve(config: RouteRetrievalConfig, query: string, signal?: AbortSignal): Promise<Retrieved> {
    const name = config.collection;
    const info = await this.deps.store.collections.collectionSettings(name);
    if (!info) throw unknownCollection(name);
    const settings = this.settings(name);
    const isPrivate = info.private || settings.private;
    if (query.trim() === '') return { collection: name, private: isPrivate, chunks: [] };
    const expected = embedderName(settings);
    if (info.embedder !== expected) {
      throw new GatewayError({
        status: 503,
        code: 'collection_embedder_mismatch',
        message: `Collection "${name}" was embedded with ${info.embedder}, but its settings name ${expected}; ingest it again (delete it first) or restore its embeddings_model.`,
      });
    }
    const [vector] = await this.#queryEmbedder(name, info, settings).embedder.embed([query], signal);
    if (vector?.length !== info.dimensions) {
      throw new GatewayError({
        status: 503,
        code: 'collection_embedder_mismatch',
        message: `Collection "${name}" holds ${info.dimensions}-dimensional vectors, but ${info.embedder} now returns ${vector?.length ?? 0}; ingest it again (delete it first).`,
      });
    }
    const matches = await this.#vectors().search(collectionSpace(name), vector, config.top_k, { minScore: config.min_score });
    const chunks = await this.deps.store.collections.chunks(
      name,
      matches.map((m) => m.id),
    );
    const scores = new Map(matches.map((m) => [m.id, m.score]));
    return { collection: name, private: isPrivate, chunks: chunks.map((c) => ({ ...c, score: scores.get(c.id) ?? 0 })) };
  }

  #queryEmbedder(name: string, info: Pick<CollectionInfo, 'embedder' | 'embedderState'>, settings: CollectionSettingsConfig): CollectionEmbedder {
    const cached = this.#queryEmbedders.get(name);
    if (cached && cached.embedder === info.embedder && cached.state === info.embedderState) return cached.built;
    const built = collectionEmbedder(settings, info.embedderState, this.deps.adapters);
    this.#queryEmbedders.set(name, { embedder: info.embedder, state: info.embedderState, built });
    return built;
  }

  #vectors(): VectorIndex {
    const vectors = this.deps.store.vectors;
    if (!vectors) {
      throw new GatewayError({
        status: 503,
        code: 'vector_index_unavailable',
        message: 'The store has no vector index: on PostgreSQL, enable the pgvector extension (CREATE EXTENSION vector; docs/deployment.md).',
      });
    }
    return vectors;
  }
}

/** Stable for the same collection, source, content and position; a changed file gets new ids. */
export function chunkId(collection: string, source: string, hash: string, ordinal: number): string {
  return createHash('sha256').update(`${collection}\0${source}\0${hash}\0${ordinal}`).digest('hex').slice(0, 20);
}

function checkName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new GatewayError({
      status: 400,
      param: 'collection',
      code: 'invalid_collection_name',
      message: `"${name}" is not a valid collection name: 1-64 letters, digits, "_", "-" or ".", starting with a letter or digit.`,
    });
  }
}

export function unknownCollection(name: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: 'collection_not_found',
    param: 'collection',
    message: `No collection "${name}". Create it by ingesting documents: \`tandem ingest ${name} <files or dir>\` or POST /admin/collections/${name}/documents.`,
  });
}

function conflict(error: CollectionConflict): GatewayError {
  return new GatewayError({ status: 409, code: 'collection_conflict', message: error.message, cause: error });
}

function badDocument(message: string, code: DocumentError['code'], param: string | null = null): GatewayError {
  return new GatewayError({ status: 400, code, param, message });
}

function documentTypeOrThrow(source: string): ReturnType<typeof documentType> {
  try {
    return documentType(source);
  } catch (error) {
    throw error instanceof DocumentError ? badDocument(error.message, error.code) : error;
  }
}

async function readOrThrow(file: IngestFile, type: ReturnType<typeof documentType>, textField: string): ReturnType<typeof readDocument> {
  try {
    return await readDocument(file.source, type, file.bytes, { textField });
  } catch (error) {
    throw error instanceof DocumentError ? badDocument(error.message, error.code) : error;
  }
}
