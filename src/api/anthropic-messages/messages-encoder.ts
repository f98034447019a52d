/**
 * Tandem's answers in the Anthropic Messages API's wire format: a `message` object, or its stream of events
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): message_start, ping, then per content
 * block content_block_start / content_block_delta (text_delta, input_json_delta, thinking_delta) /
 * content_block_stop, then message_delta (stop_reason and the final usage) and message_stop.
 */
import type { AnswerPart } from '../../gateway/pipeline.js';
import type { ChatResult } from '../../spec/stream-part.js';
import type { FinishReason, Usage } from '../../spec/usage.js';
import type { SseEncoder } from '../write-answer-stream.js';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
}

/** Anthropic counts cached prompt tokens apart from `input_tokens`; Tandem's inputTokens includes them. */
export function encodeAnthropicUsage(usage: Usage): AnthropicUsage {
  const read = usage.cachedInputTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - read - written),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens ?? null,
    cache_read_input_tokens: usage.cachedInputTokens ?? null,
  };
}

const ANTHROPIC_STOP_REASONS = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal']);

/** An Anthropic upstream's own stop reason when it gave one, else the unified reason in Anthropic's words. */
export function anthropicStopReason(reason: FinishReason): string {
  if (reason.raw !== undefined && ANTHROPIC_STOP_REASONS.has(reason.raw)) return reason.raw;
  switch (reason.unified) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Tool arguments are JSON text in Tandem; Anthropic clients get an object (an unparsable text is kept under `_raw`). */
function toolInput(args: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { _raw: args };
  } catch {
    return { _raw: args };
  }
}

export function encodeMessage(options: { id: string; model: string; result: ChatResult; usage: Usage }): Record<string, unknown> {
  const { result } = options;
  const content: Array<Record<string, unknown>> = [];
  const reasoning = result.extra?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const refusal = result.extra?.refusal;
  const text = result.text + (typeof refusal === 'string' ? refusal : '');
  if (text !== '' || result.toolCalls.length === 0) content.push({ type: 'text', text });
  for (const call of result.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  return {
    id: options.id,
    type: 'message',
    role: 'assistant',
    model: options.model,
    content,
    stop_reason: anthropicStopReason(result.finishReason),
    stop_sequence: null,
    usage: encodeAnthropicUsage(options.usage),
  };
}

export function anthropicEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; call: number };

/** One stream's events; tracks which content block is open so each part lands in the right one. */
export class MessageEventEncoder implements SseEncoder {
  private current: OpenBlock | null = null;
  private index = -1;

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  open(): string {
    const message = {
      id: this.id,
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return anthropicEvent('message_start', { message }) + anthropicEvent('ping', {});
  }

  part(part: AnswerPart): string {
    switch (part.type) {
      case 'text-delta':
      case 'refusal-delta':
        return part.text === '' ? '' : this.into({ kind: 'text' }) + this.delta({ type: 'text_delta', text: part.text });
      case 'reasoning-delta':
        return part.text === '' ? '' : this.into({ kind: 'thinking' }) + this.delta({ type: 'thinking_delta', thinking: part.text });
      case 'tool-call-delta': {
        let out = '';
        if (this.current?.kind !== 'tool' || this.current.call !== part.index) {
          out += this.closeBlock();
          this.index++;
          this.current = { kind: 'tool', call: part.index };
          out += anthropicEvent('content_block_start', {
            index: this.index,
            content_block: { type: 'tool_use', id: part.id ?? `toolu_${this.index}`, name: part.name ?? '', input: {} },
          });
        }
        return part.argumentsDelta === '' ? out : out + this.delta({ type: 'input_json_delta', partial_json: part.argumentsDelta });
      }
      case 'finish': {
        // A message always has a content block: an answer with no text and no calls gets an empty text block.
        const empty = this.index < 0 ? this.into({ kind: 'text' }) : '';
        const usage = encodeAnthropicUsage(part.usage);
        return (
          empty +
          this.closeBlock() +
          anthropicEvent('message_delta', { delta: { stop_reason: anthropicStopReason(part.finishReason), stop_sequence: null }, usage }) +
          anthropicEvent('message_stop', {})
        );
      }
      case 'logprobs-delta':
        return ''; // Anthropic's API has no log probabilities
      case 'failed':
        return this.closeBlock() + anthropicEvent('error', { error: { type: 'api_error', message: part.message } });
    }
  }

  close(): string {
    return '';
  }

  /** Opens a block of `kind` unless one is open (closing the open one of another kind first). */
  private into(block: OpenBlock): string {
    if (this.current?.kind === block.kind && block.kind !== 'tool') return '';
    const out = this.closeBlock();
    this.index++;
    this.current = block;
    const contentBlock = block.kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return out + anthropicEvent('content_block_start', { index: this.index, content_block: contentBlock });
  }

  private delta(delta: Record<string, unknown>): string {
    return anthropicEvent('content_block_delta', { index: this.index, delta });
  }

  private closeBlock(): string {
    if (this.current === null) return '';
    this.current = null;
    return anthropicEvent('content_block_stop', { index: this.index });
  }
}
