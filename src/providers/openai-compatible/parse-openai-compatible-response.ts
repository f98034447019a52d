import type { ToolCall } from '../../spec/chat-request.js';
import { ProviderError } from '../../spec/errors.js';
import type { ChatResult } from '../../spec/stream-part.js';
import { asArray, asRecord, asString } from '../json-fields.js';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.js';
import { openAICompatibleUsage } from './openai-compatible-usage.js';

/**
 * A `chat.completion` object → ChatResult (https://platform.openai.com/docs/api-reference/chat/object).
 * Only the first choice is read (the body never asks for more).
 *
 * `extra` carries, under OpenAI's own names, what a client may want back as-is: `system_fingerprint`
 * (top level of the response), `logprobs` (on the choice), `refusal` and `reasoning_content` (on the
 * message; the latter is how DeepSeek, vLLM and Ollama return reasoning).
 */
export function parseOpenAICompatibleResponse(json: unknown, provider: string): ChatResult {
  const response = asRecord(json);
  if (response?.error != null) {
    // Some servers answer 200 with an error body.
    const error = asRecord(response.error);
    throw new ProviderError({
      provider,
      kind: 'protocol',
      message: `${provider} answered with an error: ${asString(error?.message) ?? asString(response.error) ?? 'unknown'}`,
      body: JSON.stringify(json),
    });
  }
  const choice = asRecord(asArray(response?.choices)?.[0]);
  const message = asRecord(choice?.message);
  if (!response || !message) {
    throw new ProviderError({
      provider,
      kind: 'protocol',
      message: `${provider} answered without choices[0].message`,
      body: JSON.stringify(json)?.slice(0, 64 * 1024),
    });
  }

  const result: ChatResult = {
    id: asString(response.id) ?? '',
    model: asString(response.model) ?? '',
    text: contentText(message.content),
    toolCalls: toolCalls(message.tool_calls),
    finishReason: mapOpenAICompatibleFinishReason(asString(choice?.finish_reason)),
  };
  const usage = openAICompatibleUsage(response.usage);
  if (usage) result.usage = usage;

  const extra: Record<string, unknown> = {};
  if (response.system_fingerprint != null) extra.system_fingerprint = response.system_fingerprint;
  if (choice?.logprobs != null) extra.logprobs = choice.logprobs;
  if (message.refusal != null) extra.refusal = message.refusal;
  if (message.reasoning_content != null) extra.reasoning_content = message.reasoning_content;
  if (Object.keys(extra).length > 0) result.extra = extra;
  return result;
}

/** `content` is a string or null per the spec; a few servers send an array of text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of asArray(content) ?? []) text += asString(asRecord(part)?.text) ?? '';
  return text;
}

function toolCalls(value: unknown): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const item of asArray(value) ?? []) {
    const call = asRecord(item);
    const fn = asRecord(call?.function);
    const name = asString(fn?.name);
    if (!call || name === undefined) continue;
    const args = fn?.arguments;
    calls.push({
      id: asString(call.id) ?? `call_${calls.length}`,
      type: 'function',
      // Arguments are a JSON string in OpenAI's API; Ollama has been seen to send an object.
      function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
    });
  }
  return calls;
}
