import type { Usage } from '../../spec/usage.js';
import { asNumber, asRecord } from '../json-fields.js';

/**
 * Anthropic's `usage` → Usage. Anthropic's `input_tokens` excludes cached tokens: the prompt is
 * input + cache_read + cache_creation (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance),
 * so inputTokens is that sum and the cache fields say which part was read from / written to the cache.
 */
export function anthropicUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const input = asNumber(usage.input_tokens);
  const output = asNumber(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const cacheRead = asNumber(usage.cache_read_input_tokens);
  const cacheWrite = asNumber(usage.cache_creation_input_tokens);
  const result: Usage = {
    inputTokens: (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: output ?? 0,
    estimated: false,
  };
  if (cacheRead !== undefined) result.cachedInputTokens = cacheRead;
  if (cacheWrite !== undefined) result.cacheWriteTokens = cacheWrite;
  return result;
}

/**
 * Streams report usage twice: `message_start` (input, cache, an initial output count) and `message_delta`
 * (the final, cumulative output count; newer API versions repeat the input and cache counts there too,
 * and those win: https://github.com/anthropics/anthropic-sdk-typescript/blob/main/src/lib/MessageStream.ts).
 */
export function mergeAnthropicUsage(previous: Record<string, unknown> | undefined, update: unknown): Record<string, unknown> | undefined {
  const next = asRecord(update);
  if (!next) return previous;
  const merged: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(next)) if (value != null) merged[key] = value;
  return merged;
}
