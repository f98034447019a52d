/**
 * Counts a request's prompt tokens without calling any model (Anthropic's `POST /v1/messages/count_tokens`):
 * with the tokenizer of the route's baseline model when its adapter has one (the embedded runtime), else
 * Tandem's own count (gpt-tokenizer's o200k). Nothing leaves the process, so privacy does not apply.
 */
import { countPromptTokens } from '../accounting/estimate-tokens.js';
import { messageText, type ChatRequest } from '../spec/chat-request.js';
import type { Caller } from './caller.js';
import type { Gateway } from './gateway.js';

export async function countInputTokens(gateway: Gateway, caller: Caller, request: ChatRequest): Promise<{ inputTokens: number; model: string }> {
  const route = gateway.resolve(request.model);
  gateway.governance?.authorize(caller.key ?? null, { route: route.name, requestedModel: request.model });
  const model = route.baseline;
  const adapter = gateway.adapters.get(model.name);
  if (adapter?.countTokens) return { inputTokens: await adapter.countTokens(request.messages.map(messageText).join('\n')), model: model.name };
  return { inputTokens: countPromptTokens(request), model: model.name };
}
