import { ProviderError } from '../../spec/errors.js';
import type { StreamPart } from '../../spec/stream-part.js';
import type { Usage } from '../../spec/usage.js';
import { asArray, asNumber, asRecord, asString, parseJson, type JsonRecord } from '../json-fields.js';
import type { SseEvent } from '../sse-parser.js';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.js';
import { openAICompatibleUsage } from './openai-compatible-usage.js';

/**
 * OpenAI chat-completion chunks (SSE) → StreamParts
 * (https://platform.openai.com/docs/api-reference/chat-streaming/streaming).
 *
 * Always yields `start` first and then exactly one `finish` or one `error` last. The finish part comes at
 * the end of the stream, not at the chunk carrying `finish_reason`, because with `include_usage` the usage
 * arrives in a later chunk whose `choices` is empty. A stream that ends without `[DONE]` still finishes
 * (reason 'other' when no finish_reason came); a failure of the byte stream (a ProviderError thrown by
 * `events`) or an error event becomes an `error` part. Nothing is thrown.
 */
export async function* openAICompatibleStreamParts(events: AsyncIterable<SseEvent>, provider: string): AsyncGenerator<StreamPart> {
  let started = false;
  let done = false;
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  try {
    for await (const event of events) {
      // Keep reading after [DONE] (normally nothing follows) so the response ends cleanly and its
      // keep-alive connection goes back to the pool instead of being destroyed.
      if (done) continue;
      if (event.data === '[DONE]') {
        done = true;
        continue;
      }
      const chunk = asRecord(parseJson(event.data));
      if (event.event === 'error' || !chunk || chunk.error != null) {
        if (!started) yield { type: 'start' };
        yield { type: 'error', error: streamError(provider, event, chunk) };
        return;
      }
      if (!started) {
        started = true;
        yield startPart(chunk);
      }
      // Groq reports stream usage under `x_groq` (https://console.groq.com/docs/openai); vLLM may send
      // usage on every chunk (continuous_usage_stats): the last one seen wins.
      const chunkUsage = openAICompatibleUsage(chunk.usage) ?? openAICompatibleUsage(asRecord(chunk.x_groq)?.usage);
      if (chunkUsage) usage = chunkUsage;

      for (const item of asArray(chunk.choices) ?? []) {
        const choice = asRecord(item);
        if (!choice || (choice.index !== undefined && choice.index !== 0)) continue;
        const reason = asString(choice.finish_reason);
        if (reason) finishReason = reason;
        const logprobs = asRecord(choice.logprobs);
        const delta = asRecord(choice.delta);
        if (!delta) {
          if (logprobs) yield { type: 'logprobs-delta', logprobs };
          continue;
        }
        // DeepSeek, vLLM and Ollama stream reasoning as `reasoning_content`, before the content.
        const reasoning = asString(delta.reasoning_content);
        if (reasoning) yield { type: 'reasoning-delta', text: reasoning };
        const text = asString(delta.content);
        if (text) yield { type: 'text-delta', text };
        const refusal = asString(delta.refusal);
        if (refusal) yield { type: 'refusal-delta', text: refusal };
        yield* toolCallDeltas(delta);
        // After the content they score, as the client asked for them (`logprobs: true`).
        if (logprobs) yield { type: 'logprobs-delta', logprobs };
      }
    }
  } catch (error) {
    if (!started) yield { type: 'start' };
    yield {
      type: 'error',
      error: error instanceof ProviderError ? error : new ProviderError({ provider, kind: 'protocol', message: String(error), cause: error }),
    };
    return;
  }
  if (!started) yield { type: 'start' };
  const finish: StreamPart = { type: 'finish', finishReason: mapOpenAICompatibleFinishReason(finishReason) };
  if (usage) finish.usage = usage;
  yield finish;
}

function startPart(chunk: JsonRecord): StreamPart {
  const part: StreamPart = { type: 'start' };
  const id = asString(chunk.id);
  const model = asString(chunk.model);
  if (id) part.id = id;
  if (model) part.model = model;
  return part;
}

function* toolCallDeltas(delta: JsonRecord): Generator<StreamPart> {
  const calls = asArray(delta.tool_calls);
  if (!calls) return;
  for (let position = 0; position < calls.length; position++) {
    const call = asRecord(calls[position]);
    if (!call) continue;
    const fn = asRecord(call.function);
    const part: Extract<StreamPart, { type: 'tool-call-delta' }> = {
      type: 'tool-call-delta',
      // `index` is required by OpenAI; servers that omit it send each call whole, in order.
      index: asNumber(call.index) ?? position,
      argumentsDelta: asString(fn?.arguments) ?? '',
    };
    const id = asString(call.id);
    const name = asString(fn?.name);
    if (id) part.id = id;
    if (name) part.name = name;
    if (part.argumentsDelta || part.id || part.name) yield part;
  }
}

/**
 * A mid-stream error: OpenAI sends `data: {"error": {...}}` (and openai-node also honours an
 * `event: error` line). There is no status code; an invalid request is not worth retrying, anything else
 * (server_error, rate limits) is.
 */
function streamError(provider: string, event: SseEvent, chunk: JsonRecord | undefined): ProviderError {
  if (!chunk) {
    return new ProviderError({
      provider,
      kind: event.event === 'error' ? 'http' : 'protocol',
      isRetryable: event.event === 'error',
      message: `${provider} sent ${event.event === 'error' ? 'an error event' : 'a chunk that is not JSON'}: ${event.data.slice(0, 200)}`,
      body: event.data,
    });
  }
  const error = asRecord(chunk.error) ?? chunk;
  const type = asString(error.type) ?? asString(error.code);
  return new ProviderError({
    provider,
    kind: 'http',
    isRetryable: type !== 'invalid_request_error',
    message: `${provider} failed mid-stream: ${asString(error.message) ?? asString(chunk.error) ?? event.data.slice(0, 200)}`,
    body: event.data,
  });
}
