/**
 * Maps a request's generation params onto llama.cpp sampling, with OpenAI's defaults (temperature 1,
 * top_p 1, no top-k), and a warning for every setting the embedded runtime cannot honour.
 * https://platform.openai.com/docs/api-reference/chat/create
 */
import type { GenerationParams } from '../../spec/chat-request.js';

export interface EmbeddedSettings {
  temperature: number;
  topP: number;
  seed: number | undefined;
  /** Output token limit; undefined runs until an end token or the context is full. */
  maxTokens: number | undefined;
  stop: string[];
  frequencyPenalty: number;
  presencePenalty: number;
}

export function mapEmbeddedSettings(params: GenerationParams, extra: Record<string, unknown>, warn: (message: string) => void): EmbeddedSettings {
  if (params.n !== undefined && params.n > 1) warn(`n=${params.n} is not supported by embedded models; returning one choice`);
  if (params.logprobs === true || params.top_logprobs !== undefined) warn('logprobs are not supported by embedded models');
  if ((params.tools?.length ?? 0) > 0 || (params.tool_choice !== undefined && params.tool_choice !== 'none')) {
    warn('tools are not supported by embedded models; the model answers in text');
  }
  const extraKeys = Object.keys(extra);
  if (extraKeys.length > 0) warn(`ignored by embedded models: ${extraKeys.join(', ')}`);

  // llama.cpp's penalties only push probabilities down; OpenAI's negative values (encourage repeats) have no match.
  const penalty = (name: string, value: number | undefined): number => {
    if (value === undefined || value === 0) return 0;
    if (value < 0) {
      warn(`negative ${name} is not supported by embedded models; ignored`);
      return 0;
    }
    return value;
  };
  return {
    temperature: params.temperature ?? 1,
    topP: params.top_p ?? 1,
    seed: params.seed,
    maxTokens: params.max_tokens,
    stop: params.stop ?? [],
    frequencyPenalty: penalty('frequency_penalty', params.frequency_penalty),
    presencePenalty: penalty('presence_penalty', params.presence_penalty),
  };
}
