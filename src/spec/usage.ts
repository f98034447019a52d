/** Token usage of one model call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic's cache_creation_input_tokens). */
  cacheWriteTokens?: number;
  /** True when Tandem counted the tokens itself because the upstream did not report them. */
  estimated: boolean;
}

/**
 * Why generation stopped, unified across providers, with the provider's own word kept in `raw`.
 * - stop: natural end or a stop sequence; length: output token limit; tool-calls: the model called tools;
 *   content-filter: the provider refused; error: the upstream failed mid-generation; other: anything else.
 */
export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  raw: string | undefined;
}

/** OpenAI's `finish_reason` word for a unified reason. */
export function toOpenAIFinishReason(reason: UnifiedFinishReason): string {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}
