/**
 * Turns texts into vectors for the semantic cache and retrieval. The zero-config default is the built-in
 * lexical embedder (hashed word and character n-grams weighted by IDF: it matches rewordings that share
 * words, never synonyms); a route can name a configured embeddings model instead (a local one by default,
 * so prompts do not leave the machine).
 */
export interface Embedder {
  /** Recorded with every stored vector: vectors from different embedders are never compared. */
  readonly name: string;
  readonly dimensions: number;
  /** One L2-normalised vector per text, in order. Throws a GatewayError when a configured model fails. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
