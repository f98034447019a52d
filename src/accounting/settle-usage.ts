/**
 * Final usage of an answer: the upstream's report when it gave one, else a count of our own, marked
 * estimated. Streamed and non-streamed answers go through this same function, so the same request
 * records the same usage and cost either way.
 */
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { messageText, type ChatRequest, type ToolCall } from '../spec/chat-request.js';
import type { Usage } from '../spec/usage.js';
import { countPromptTokens, countTextTokens } from './estimate-tokens.js';

export async function settleUsage(options: {
  reported: Usage | undefined;
  request: ChatRequest;
  text: string;
  toolCalls: readonly ToolCall[];
  adapter: ProviderAdapter | undefined;
}): Promise<Usage> {
  const { reported } = options;
  if (reported && Number.isFinite(reported.inputTokens) && Number.isFinite(reported.outputTokens)) return reported;
  const output = options.text + options.toolCalls.map((c) => c.function.name + c.function.arguments).join('');
  const counter = options.adapter?.countTokens?.bind(options.adapter);
  if (counter) {
    const prompt = options.request.messages.map(messageText).join('\n');
    return { inputTokens: await counter(prompt), outputTokens: await counter(output), estimated: true };
  }
  return { inputTokens: countPromptTokens(options.request), outputTokens: countTextTokens(output), estimated: true };
}
