/**
 * The config of a route's answer cache (docs/caching.md): the exact cache and its opt-in semantic layer.
 * Part of config/schema.ts (a route's `cache`); kept here beside the code that reads it.
 */
import { z } from 'zod';

/** Request fields that can form the exact key; the default is all of them. */
export const CACHE_KEY_FIELDS = ['model', 'messages', 'tools', 'sampling', 'response_format'] as const;

export const semanticCacheSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Look up near-identical earlier requests when the exact key misses.'),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Cosine similarity at or above which an earlier answer is replayed (docs/caching.md measures precision and hit rate per threshold).'),
    lexical_dimensions: z
      .number()
      .int()
      .min(64)
      .max(4096)
      .default(256)
      .describe(
        'Dimensions of the built-in lexical embedder: more means fewer hash collisions (higher precision at a threshold, docs/caching.md) and proportionally slower exact-scan lookups.',
      ),
    embeddings_model: z
      .string()
      .optional()
      .describe(
        'A model with `capabilities.embeddings` to embed requests with (a local one keeps prompts on the machine); default: the built-in lexical embedder.',
      ),
  })
  .describe('Semantic cache: a request whose embedding is near enough an earlier one with the same settings gets its answer. Opt-in.');

export const routeCacheSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Answer repeated requests from the cache.'),
    ttl_s: z.number().positive().default(3_600).describe('Seconds a cached answer stays valid.'),
    max_entries: z.number().int().positive().default(10_000).describe('Most answers kept for this route (per replica in memory); the oldest go first.'),
    max_bytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe('Most bytes of cached answers kept for this route in memory; the oldest go first.'),
    key: z
      .array(z.enum(CACHE_KEY_FIELDS))
      .min(1)
      .default([...CACHE_KEY_FIELDS])
      .describe(
        'Request fields that form the key: `model`, `messages`, `tools` (and tool_choice), `sampling` (temperature, top_p, max_tokens, stop, seed, penalties, n), `response_format`.',
      ),
    allow_temperature: z
      .boolean()
      .default(false)
      .describe('Cache requests with `temperature` above 0 too; by default they bypass the cache, since the client asked for variety.'),
    shared: z.boolean().default(false).describe("One cache for every API key of the route; by default each key has its own and none reads another's."),
    backend: z
      .enum(['memory', 'store', 'redis'])
      .default('memory')
      .describe(
        "Where answers are kept: `memory` (this process, bounded), `store` (the store's database: SQLite or PostgreSQL), `redis` (the cluster's Redis; set `maxmemory` with an LRU policy there).",
      ),
    semantic: semanticCacheSchema.optional(),
  })
  .describe('Answer cache (docs/caching.md): repeated requests get the earlier answer at cost 0, counted in savings.');

export type RouteCacheConfig = z.infer<typeof routeCacheSchema>;
