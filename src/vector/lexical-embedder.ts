/**
 * The built-in, zero-config Embedder: hashed word unigrams, word bigrams and character trigrams, weighted by
 * IDF, L2-normalised. No model ships with Tandem, so this is lexical: it matches rewordings that share words
 * or word pieces ("cancel my order" ~ "please cancel the order I placed"), inflections through the character
 * trigrams ("refund" ~ "refunded"), and nothing that needs meaning (synonyms, "card stolen" vs "someone took
 * my card", other languages). docs/caching.md measures what that is worth.
 *
 * Features are hashed (FNV-1a) into `dimensions` buckets with a sign from another hash bit, so collisions
 * cancel on average rather than add up. IDF needs document frequencies: a `DocumentFrequencies` table of
 * one counter per bucket plus the document count, learned by `observe` from the texts its owner stores
 * (the semantic cache observes every prompt it stores, a collection every chunk it ingests) and kept by
 * the owner across restarts with `toJSON`/`fromJSON`. A vector stored earlier keeps the weights of its
 * day; once a few hundred documents are seen the weights barely move. With an empty table every bucket
 * weighs the same (plain TF), so common words count as much as rare ones until the table has learned.
 */
import type { Embedder } from './embedder.js';

export const LEXICAL_DEFAULT_DIMENSIONS = 256;

/** Weights of the feature families (relative): whole words count most, trigrams smooth inflections. */
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
const TRIGRAM_WEIGHT = 0.35;

export class DocumentFrequencies {
  docs = 0;
  readonly counts: Uint32Array;

  constructor(readonly dimensions: number) {
    this.counts = new Uint32Array(dimensions);
  }

  /** Counts each bucket once per text. */
  observe(texts: readonly string[]): void {
    const seen = new Set<number>();
    for (const text of texts) {
      seen.clear();
      forEachFeature(text, this.dimensions, (bucket) => seen.add(bucket));
      for (const b of seen) this.counts[b] = (this.counts[b] as number) + 1;
      this.docs++;
    }
  }

  /** Smoothed IDF: 1 for a bucket in every document, up to 1 + ln(docs + 1) for one never seen. */
  idf(bucket: number): number {
    return Math.log((this.docs + 1) / ((this.counts[bucket] as number) + 1)) + 1;
  }

  toJSON(): { dimensions: number; docs: number; counts: string } {
    return {
      dimensions: this.dimensions,
      docs: this.docs,
      counts: Buffer.from(this.counts.buffer, this.counts.byteOffset, this.counts.byteLength).toString('base64'),
    };
  }

  static fromJSON(json: { dimensions: number; docs: number; counts: string }): DocumentFrequencies {
    const table = new DocumentFrequencies(json.dimensions);
    const bytes = Buffer.from(json.counts, 'base64');
    if (bytes.byteLength !== json.dimensions * 4) throw new Error('document-frequency table: counts do not match its dimensions');
    table.counts.set(new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    table.docs = json.docs;
    return table;
  }
}

export interface LexicalEmbedderOptions {
  dimensions?: number;
  /** A learned table (see DocumentFrequencies); a fresh, empty one when left out. */
  frequencies?: DocumentFrequencies;
}

export class LexicalEmbedder implements Embedder {
  readonly name: string;
  readonly dimensions: number;
  readonly frequencies: DocumentFrequencies;

  constructor(options: LexicalEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? options.frequencies?.dimensions ?? LEXICAL_DEFAULT_DIMENSIONS;
    this.frequencies = options.frequencies ?? new DocumentFrequencies(this.dimensions);
    if (this.frequencies.dimensions !== this.dimensions) throw new Error('lexical embedder: the frequency table has other dimensions');
    this.name = `lexical-v1-${this.dimensions}`;
  }

  /** Learns document frequencies from texts being stored (not from queries). */
  observe(texts: readonly string[]): void {
    this.frequencies.observe(texts);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const out = new Float32Array(this.dimensions);
    forEachFeature(text, this.dimensions, (bucket, sign, weight) => {
      out[bucket] = (out[bucket] as number) + sign * weight * this.frequencies.idf(bucket);
    });
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += (out[i] as number) ** 2;
    if (sum > 0) {
      const inv = 1 / Math.sqrt(sum);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inv;
    }
    return out;
  }
}

/** Lower-cased, NFKC-normalised words (letters and digits). */
export function lexicalWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

function forEachFeature(text: string, dimensions: number, visit: (bucket: number, sign: number, weight: number) => void): void {
  const words = lexicalWords(text);
  const emit = (family: number, feature: string, weight: number): void => {
    const h = fnv1a(feature, family);
    visit((h >>> 1) % dimensions, (h & 1) === 0 ? 1 : -1, weight);
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    emit(1, word, WORD_WEIGHT);
    if (i + 1 < words.length) emit(2, `${word} ${words[i + 1]}`, BIGRAM_WEIGHT);
    const padded = `#${word}#`;
    for (let j = 0; j + 3 <= padded.length; j++) emit(3, padded.slice(j, j + 3), TRIGRAM_WEIGHT);
  }
}

/** 32-bit FNV-1a over the UTF-16 code units, seeded by the feature family. */
function fnv1a(text: string, family: number): number {
  let h = (0x811c9dc5 ^ family) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
