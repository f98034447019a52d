import type { ToolCall } from './chat-request.js';
import type { FinishReason, Usage } from './usage.js';
import type { ProviderError } from './errors.js';

/**
 * What a provider adapter yields while streaming. Parsed once from the upstream's wire format
 * inside the adapter; nothing downstream looks at SSE text.
 */
export type StreamPart =
  | { type: 'start'; id?: string; model?: string }
  | { type: 'text-delta'; text: string }
  /** A reasoning model's thinking, streamed beside the content (OpenAI-compatible `reasoning_content`). */
  | { type: 'reasoning-delta'; text: string }
  /** The model declining to answer (OpenAI's `refusal`). */
  | { type: 'refusal-delta'; text: string }
  /** Token log probabilities of the deltas just before it, as an OpenAI-compatible upstream sent them (`choice.logprobs`). */
  | { type: 'logprobs-delta'; logprobs: Record<string, unknown> }
  | {
      type: 'tool-call-delta';
      /** Position of the call in the message's tool_calls array. */
      index: number;
      /** Present on the first delta of a call. */
      id?: string;
      name?: string;
      argumentsDelta: string;
    }
  | { type: 'finish'; finishReason: FinishReason; usage?: Usage }
  | { type: 'error'; error: ProviderError };

/** The whole answer of a non-streaming call. */
export interface ChatResult {
  id: string;
  /** The upstream's model id as it reported it. */
  model: string;
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** Absent when the upstream reported none; the gateway then counts tokens itself. */
  usage?: Usage;
  /** Provider-specific extras to pass back to OpenAI clients as-is (e.g. `logprobs`, `refusal`). */
  extra?: Record<string, unknown>;
}
