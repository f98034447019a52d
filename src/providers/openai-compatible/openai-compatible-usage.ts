import type { Usage } from '../../spec/usage.js';
import { asNumber, asRecord } from '../json-fields.js';

/**
 * OpenAI's `usage` object → Usage. `prompt_tokens` already includes the cached tokens
 * (https://platform.openai.com/docs/guides/prompt-caching), so cachedInputTokens is a part of inputTokens.
 * Returns undefined when the upstream reported no token counts.
 */
export function openAICompatibleUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const input = asNumber(usage.prompt_tokens);
  const output = asNumber(usage.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const result: Usage = { inputTokens: input ?? 0, outputTokens: output ?? 0, estimated: false };
  const cached = asNumber(asRecord(usage.prompt_tokens_details)?.cached_tokens);
  if (cached !== undefined) result.cachedInputTokens = cached;
  return result;
}
