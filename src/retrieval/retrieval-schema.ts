/**
 * The config of retrieval (docs/retrieval.md): a route's `retrieval` block and the top-level `collections`
 * settings. Part of config/schema.ts; kept here beside the code that reads it.
 */
import { z } from 'zod';

/** Collection names become parts of vector-space and table keys: letters, digits, `_`, `-`, `.`. */
export const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const collectionName = z.string().regex(COLLECTION_NAME, 'a collection name is 1-64 letters, digits, `_`, `-` or `.`, starting with a letter or digit');

export const routeRetrievalSchema = z
  .strictObject({
    collection: collectionName.describe('The collection to search (made by `tandem ingest` or POST /admin/collections/{name}/documents).'),
    top_k: z.number().int().min(1).max(50).default(4).describe('Most chunks put in front of the request.'),
    min_score: z
      .number()
      .min(-1)
      .max(1)
      .default(0.1)
      .describe('Chunks whose cosine similarity to the last user message is below this are left out (none may remain: the request goes on without context).'),
  })
  .describe(
    "Retrieval-augmented route: the last user message's nearest chunks of a collection are put in front of the request as a system message, with their sources, before policies and routing see it (so they count toward context-fit).",
  );

export const chunkingSchema = z
  .strictObject({
    max_chars: z.number().int().min(100).max(20_000).default(800).describe('Longest chunk, in characters (~4 per token).'),
    overlap_chars: z
      .number()
      .int()
      .nonnegative()
      .default(100)
      .describe('Whole sentences from the end of a chunk repeated at the start of the next, up to this many characters (at most half of max_chars).'),
  })
  .describe('How ingested text is cut into chunks: on paragraph breaks, else sentence ends, else whitespace.');

export const collectionSettingsSchema = z
  .strictObject({
    private: z
      .boolean()
      .default(false)
      .describe('Requests that retrieve from this collection go to local models only. Also settable at ingest (`--private`); either marks it.'),
    embeddings_model: z
      .string()
      .optional()
      .describe(
        'A model with `capabilities.embeddings` that embeds the chunks and queries; unset, the built-in lexical embedder (no model, nothing leaves the machine).',
      ),
    chunking: chunkingSchema.prefault({}),
    text_field: z.string().min(1).default('text').describe('The field of each JSONL record that holds its text.'),
  })
  .describe('Settings of one retrieval collection.');

export const collectionsSchema = z
  .record(collectionName, collectionSettingsSchema)
  .default({})
  .describe('Retrieval collections by name: their embedder, chunking and privacy. A collection ingested without an entry here uses the defaults.');

export type RouteRetrievalConfig = z.output<typeof routeRetrievalSchema>;
export type CollectionSettingsConfig = z.output<typeof collectionSettingsSchema>;

export const DEFAULT_COLLECTION_SETTINGS: CollectionSettingsConfig = collectionSettingsSchema.parse({});
