import { ProviderError } from '../../spec/errors.js';
import type { StreamPart } from '../../spec/stream-part.js';
import { asNumber, asRecord, asString, parseJson } from '../json-fields.js';
import type { SseEvent } from '../sse-parser.js';
import { anthropicStreamError } from './anthropic-stream-error.js';
import { anthropicUsage, mergeAnthropicUsage } from './anthropic-usage.js';
import { JSON_TOOL_NAME } from './convert-to-anthropic-request.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

interface BlockState {
  kind: 'text' | 'tool' | 'json' | 'other';
  /** Position among the message's tool calls (tool blocks only). */
  toolIndex: number;
  sentArguments: boolean;
}

/**
 * Messages API stream events → StreamParts
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types).
 *
 * `start` first, then deltas, then exactly one `finish` (after message_stop, or at the end of a stream that
 * lacks it) or one `error` (an `error` event, or the byte stream failing). Anthropic numbers content blocks
 * across text and tool_use; tool calls get their own 0-based index, as OpenAI clients expect. Unknown
 * event and delta types are skipped: Anthropic may add new ones
 * (https://docs.anthropic.com/en/api/versioning).
 */
export async function* anthropicStreamParts(events: AsyncIterable<SseEvent>, options: { provider: string; jsonTool: boolean }): AsyncGenerator<StreamPart> {
  const { provider, jsonTool } = options;
  const blocks = new Map<number, BlockState>();
  let toolCount = 0;
  let started = false;
  let stopped = false;
  let stopReason: string | undefined;
  let usage: Record<string, unknown> | undefined;
  try {
    for await (const event of events) {
      // Keep reading after message_stop so the response ends and its connection returns to the pool.
      if (stopped) continue;
      const data = asRecord(parseJson(event.data));
      const type = asString(data?.type) ?? event.event;
      if (type === 'error' || !data) {
        if (!started) yield { type: 'start' };
        yield {
          type: 'error',
          error: data
            ? anthropicStreamError(provider, event.data, data)
            : new ProviderError({
                provider,
                kind: 'protocol',
                message: `${provider} sent an event that is not JSON: ${event.data.slice(0, 200)}`,
                body: event.data,
              }),
        };
        return;
      }
      if (!started) {
        started = true;
        const message = asRecord(data.message);
        const start: StreamPart = { type: 'start' };
        const id = asString(message?.id);
        const model = asString(message?.model);
        if (id) start.id = id;
        if (model) start.model = model;
        yield start;
      }
      switch (type) {
        case 'message_start':
          usage = mergeAnthropicUsage(usage, asRecord(data.message)?.usage);
          break;
        case 'content_block_start': {
          const block = asRecord(data.content_block);
          const index = asNumber(data.index) ?? blocks.size;
          if (block?.type === 'text') {
            blocks.set(index, { kind: 'text', toolIndex: -1, sentArguments: false });
            const text = asString(block.text);
            if (text) yield { type: 'text-delta', text };
          } else if (block?.type === 'tool_use') {
            const name = asString(block.name) ?? '';
            if (jsonTool && name === JSON_TOOL_NAME) {
              blocks.set(index, { kind: 'json', toolIndex: -1, sentArguments: false });
            } else {
              const state: BlockState = { kind: 'tool', toolIndex: toolCount++, sentArguments: false };
              blocks.set(index, state);
              yield { type: 'tool-call-delta', index: state.toolIndex, id: asString(block.id) ?? `toolu_${state.toolIndex}`, name, argumentsDelta: '' };
            }
          } else {
            blocks.set(index, { kind: 'other', toolIndex: -1, sentArguments: false });
          }
          break;
        }
        case 'content_block_delta': {
          const state = blocks.get(asNumber(data.index) ?? -1);
          const delta = asRecord(data.delta);
          if (!state || !delta) break;
          if (delta.type === 'text_delta' && state.kind === 'text') {
            const text = asString(delta.text);
            if (text) yield { type: 'text-delta', text };
          } else if (delta.type === 'input_json_delta') {
            const json = asString(delta.partial_json);
            if (!json) break;
            if (state.kind === 'json') {
              state.sentArguments = true;
              yield { type: 'text-delta', text: json };
            } else if (state.kind === 'tool') {
              state.sentArguments = true;
              yield { type: 'tool-call-delta', index: state.toolIndex, argumentsDelta: json };
            }
          }
          // thinking_delta, signature_delta, citations_delta: no OpenAI stream equivalent.
          break;
        }
        case 'content_block_stop': {
          const state = blocks.get(asNumber(data.index) ?? -1);
          // A tool called without input streams no JSON at all; the non-streamed answer says `{}`.
          if (state?.kind === 'tool' && !state.sentArguments) {
            yield { type: 'tool-call-delta', index: state.toolIndex, argumentsDelta: '{}' };
          } else if (state?.kind === 'json' && !state.sentArguments) {
            yield { type: 'text-delta', text: '{}' };
          }
          break;
        }
        case 'message_delta': {
          const reason = asString(asRecord(data.delta)?.stop_reason);
          if (reason) stopReason = reason;
          usage = mergeAnthropicUsage(usage, data.usage);
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
        // ping and unknown events: nothing to do.
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
  const finish: StreamPart = { type: 'finish', finishReason: mapAnthropicFinishReason(stopReason, { jsonTool }) };
  const total = anthropicUsage(usage);
  if (total) finish.usage = total;
  yield finish;
}
