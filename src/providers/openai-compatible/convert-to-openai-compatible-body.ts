import type { ChatRequest } from '../../spec/chat-request.js';
import { asRecord } from '../json-fields.js';

export interface OpenAICompatibleBodyOptions {
  /** The upstream's model id. */
  model: string;
  stream: boolean;
  /** Ask for the final usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  warn(message: string): void;
}

/**
 * Rebuilds the OpenAI chat body from a ChatRequest.
 *
 * - Unknown fields (`request.extra`) go first and untouched, so upstream-specific knobs (vLLM's
 *   `top_k`, OpenAI's `reasoning_effort`, `store`, …) reach the upstream; the fields Tandem knows win.
 * - The output limit goes out as `max_tokens`, unless the client itself used `max_completion_tokens`
 *   (the edge keeps that name in `extra`): OpenAI's reasoning models reject `max_tokens`
 *   (https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens), while many
 *   OpenAI-compatible servers only know `max_tokens`, so we send exactly the one the client chose, with
 *   the (possibly adjusted) value from params.
 * - `n` is never sent: a ChatResult carries one choice, and extra choices would be paid for and dropped.
 * - `stream_options` only on streams (OpenAI rejects it otherwise).
 * - `metadata.sensitive` is dropped: it is addressed to Tandem, not to the model's provider.
 */
export function convertToOpenAICompatibleBody(request: ChatRequest, options: OpenAICompatibleBodyOptions): Record<string, unknown> {
  const { max_tokens: maxTokens, n, ...params } = request.params;
  const { stream_options: clientStreamOptions, ...extra } = request.extra;
  if (n !== undefined && n !== 1) options.warn(`n=${n} is not supported; one choice is generated`);

  const body: Record<string, unknown> = { ...extra, model: options.model, messages: request.messages };
  for (const [key, value] of Object.entries(params) as Array<[string, unknown]>) {
    if (value !== undefined) body[key] = value;
  }
  if (params.metadata && 'sensitive' in params.metadata) {
    // `metadata.sensitive` is Tandem's own marker (the privacy policy reads it): the upstream gets the rest.
    const { sensitive: _marker, ...rest } = params.metadata;
    if (Object.keys(rest).length > 0) body.metadata = rest;
    else delete body.metadata;
  }
  if ('max_completion_tokens' in extra) {
    if (maxTokens !== undefined) body.max_completion_tokens = maxTokens;
  } else if (maxTokens !== undefined) {
    body.max_tokens = maxTokens;
  }
  if (options.stream) {
    body.stream = true;
    const streamOptions = asRecord(clientStreamOptions);
    if (options.includeUsage) body.stream_options = { ...streamOptions, include_usage: true };
    else if (streamOptions) body.stream_options = streamOptions;
  }
  return body;
}
