import type { FinishReason } from '../../spec/usage.js';

/**
 * OpenAI's `finish_reason` words, plus the variants OpenAI-compatible servers send.
 * https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapOpenAICompatibleFinishReason(raw: string | null | undefined): FinishReason {
  const word = raw ?? undefined;
  switch (word) {
    case 'stop':
    // TGI and some llama.cpp builds report why they stopped in their own words.
    case 'eos':
    case 'eos_token':
    case 'stop_sequence':
      return { unified: 'stop', raw: word };
    case 'length':
    case 'max_tokens':
      return { unified: 'length', raw: word };
    case 'tool_calls':
    // The deprecated `functions` API.
    case 'function_call':
      return { unified: 'tool-calls', raw: word };
    case 'content_filter':
      return { unified: 'content-filter', raw: word };
    // OpenRouter reports an upstream failure mid-generation this way.
    case 'error':
      return { unified: 'error', raw: word };
    default:
      return { unified: 'other', raw: word };
  }
}
