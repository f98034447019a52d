/**
 * The one interface every upstream speaks through (after the Vercel AI SDK's LanguageModel spec).
 *
 * An adapter is built per configured model. It translates Tandem's ChatRequest into its upstream's wire
 * format and the answer back into typed StreamParts / ChatResult. Settings the upstream cannot honour are
 * dropped with a warning in `ctx.warn`, never a crash. Every failure is thrown (or, mid-stream, yielded)
 * as a ProviderError.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResult, StreamPart } from '../spec/stream-part.js';
import type { ModelInfo } from '../spec/model-info.js';

export interface CallContext {
  /** Aborted when the client disconnects or the attempt times out; adapters must cancel the upstream call. */
  signal: AbortSignal;
  requestId: string;
  /** Collects "setting X is not supported by Y" notes for the log. */
  warn(message: string): void;
  /**
   * Ask the upstream to report usage on streams (OpenAI's stream_options.include_usage).
   * The gateway sets this on every stream and strips the usage chunk if the client did not ask for it.
   */
  requestStreamUsage: boolean;
}

/** What an embeddings request asks of the upstream besides its input (OpenAI's names). */
export interface EmbeddingOptions {
  /** Vector length, for models that can shorten theirs (OpenAI's text-embedding-3). */
  dimensions?: number;
  /** The client's end-user id, for the provider's abuse monitoring. */
  user?: string;
  /** Fields Tandem does not model, passed to OpenAI-compatible upstreams unchanged. */
  extra?: Record<string, unknown>;
}

export interface EmbeddingResult {
  model: string;
  embeddings: number[][];
  usage: { inputTokens: number; estimated: boolean };
}

export interface ProviderAdapter {
  readonly info: ModelInfo;
  generate(request: ChatRequest, ctx: CallContext): Promise<ChatResult>;
  stream(request: ChatRequest, ctx: CallContext): AsyncIterable<StreamPart>;
  /** Present only on adapters whose model declares `capabilities.embeddings`. */
  embed?(input: string[], ctx: CallContext, options?: EmbeddingOptions): Promise<EmbeddingResult>;
  /**
   * Exact token counting with the model's own tokenizer, when the adapter has one (the embedded runtime).
   * Otherwise the gateway estimates with gpt-tokenizer.
   */
  countTokens?(text: string): Promise<number>;
  /** Releases connections, model memory, … */
  close(): Promise<void>;
}
