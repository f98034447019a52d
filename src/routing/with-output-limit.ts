/**
 * The output limit every upstream call carries. Budgets reserve `max_tokens`, or the model's
 * `default_max_output_tokens` when the client set none (governance/request-limiter.ts); sending that same
 * number upstream is what keeps an upstream that honours it from costing more than was reserved. The
 * adapter decides the field's name (OpenAI-compatible: `max_tokens` unless the client used
 * `max_completion_tokens`, docs/decisions/0003-max-completion-tokens.md; Anthropic: `max_tokens`).
 */
import { requestedOutputTokens } from '../policy/policy.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';

export function withOutputLimit(request: ChatRequest, model: ModelInfo): ChatRequest {
  if (request.params.max_tokens !== undefined) return request;
  return { ...request, params: { ...request.params, max_tokens: requestedOutputTokens(request, model) } };
}
