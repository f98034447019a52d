import type { ToolCall } from '../../spec/chat-request.js';
import { ProviderError } from '../../spec/errors.js';
import type { ChatResult } from '../../spec/stream-part.js';
import { asArray, asRecord, asString } from '../json-fields.js';
import { anthropicUsage } from './anthropic-usage.js';
import { JSON_TOOL_NAME } from './convert-to-anthropic-request.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

/**
 * A Messages API response (https://docs.anthropic.com/en/api/messages) → ChatResult: text blocks joined,
 * tool_use blocks → tool calls with JSON-string arguments, thinking text → extra.reasoning_content.
 * With the forced JSON tool, that tool's input is the answer's text.
 */
export function parseAnthropicResponse(json: unknown, options: { provider: string; jsonTool: boolean }): ChatResult {
  const response = asRecord(json);
  const content = asArray(response?.content);
  if (!response || !content) {
    throw new ProviderError({
      provider: options.provider,
      kind: 'protocol',
      message: `${options.provider} answered without content`,
      body: JSON.stringify(json)?.slice(0, 64 * 1024),
    });
  }
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const item of content) {
    const block = asRecord(item);
    switch (block?.type) {
      case 'text':
        text += asString(block.text) ?? '';
        break;
      case 'tool_use': {
        const name = asString(block.name) ?? '';
        const input = JSON.stringify(block.input ?? {});
        if (options.jsonTool && name === JSON_TOOL_NAME) text += input;
        else toolCalls.push({ id: asString(block.id) ?? `toolu_${toolCalls.length}`, type: 'function', function: { name, arguments: input } });
        break;
      }
      case 'thinking':
        reasoning += asString(block.thinking) ?? '';
        break;
      // redacted_thinking, server tool blocks, …: nothing an OpenAI client can show.
    }
  }
  const result: ChatResult = {
    id: asString(response.id) ?? '',
    model: asString(response.model) ?? '',
    text,
    toolCalls,
    finishReason: mapAnthropicFinishReason(asString(response.stop_reason), { jsonTool: options.jsonTool }),
  };
  const usage = anthropicUsage(response.usage);
  if (usage) result.usage = usage;
  if (reasoning) result.extra = { reasoning_content: reasoning };
  return result;
}
