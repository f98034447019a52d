/**
 * Tandem's answers in the OpenAI Responses API's wire format: a `response` object, or its stream of
 * `response.*` events (https://platform.openai.com/docs/api-reference/responses-streaming): created,
 * in_progress, then per output item output_item.added → (content_part.added → output_text.delta… →
 * output_text.done → content_part.done | function_call_arguments.delta… → .done | reasoning_text.delta… →
 * .done) → output_item.done, and last response.completed (or .incomplete, or .failed) with usage.
 * Every event carries a `sequence_number`.
 */
import type { AnswerPart } from '../../gateway/pipeline.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResult } from '../../spec/stream-part.js';
import type { FinishReason, Usage } from '../../spec/usage.js';
import type { SseEncoder } from '../write-answer-stream.js';

export function encodeResponsesUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The request's settings as the response object echoes them. */
export interface ResponseEnvelope {
  id: string;
  createdAt: number;
  model: string;
  request: ChatRequest;
}

type Item = Record<string, unknown>;

function status(finish: FinishReason): { status: 'completed' | 'incomplete'; incomplete_details: { reason: string } | null } {
  if (finish.unified === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish.unified === 'content-filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

function responseObject(
  e: ResponseEnvelope,
  fields: { status: string; output: Item[]; usage: Usage | null; incomplete_details?: unknown; error?: unknown },
): Record<string, unknown> {
  const p = e.request.params;
  const instructions = e.request.messages[0]?.role === 'system' && typeof e.request.messages[0].content === 'string' ? e.request.messages[0].content : null;
  const format =
    p.response_format?.type === 'json_schema' ? { type: 'json_schema', ...p.response_format.json_schema } : (p.response_format ?? { type: 'text' });
  return {
    id: e.id,
    object: 'response',
    created_at: e.createdAt,
    status: fields.status,
    error: fields.error ?? null,
    incomplete_details: fields.incomplete_details ?? null,
    instructions,
    max_output_tokens: p.max_tokens ?? null,
    model: e.model,
    output: fields.output,
    parallel_tool_calls: p.parallel_tool_calls ?? true,
    previous_response_id: null,
    store: false,
    temperature: p.temperature ?? null,
    text: { format },
    tool_choice:
      p.tool_choice === undefined ? 'auto' : typeof p.tool_choice === 'string' ? p.tool_choice : { type: 'function', name: p.tool_choice.function.name },
    tools: (p.tools ?? []).map((t) => ({
      type: 'function',
      name: t.function.name,
      description: t.function.description ?? null,
      parameters: t.function.parameters ?? null,
      strict: t.function.strict ?? null,
    })),
    top_p: p.top_p ?? null,
    user: p.user ?? null,
    metadata: p.metadata ?? {},
    usage: fields.usage === null ? null : encodeResponsesUsage(fields.usage),
  };
}

function messageItem(id: string, text: string, done: boolean): Item {
  return { type: 'message', id, status: done ? 'completed' : 'in_progress', role: 'assistant', content: done ? [outputText(text)] : [] };
}

function outputText(text: string): Item {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function reasoningItem(id: string, text: string, done: boolean): Item {
  return { type: 'reasoning', id, summary: [], content: done ? [{ type: 'reasoning_text', text }] : [], status: done ? 'completed' : 'in_progress' };
}

function callItem(id: string, call: { id: string; name: string; args: string }, done: boolean): Item {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.args, status: done ? 'completed' : 'in_progress' };
}

export function encodeResponse(e: ResponseEnvelope, result: ChatResult, usage: Usage): Record<string, unknown> {
  const output: Item[] = [];
  const reasoning = result.extra?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning !== '') output.push(reasoningItem(`rs_${e.id}_0`, reasoning, true));
  const refusal = result.extra?.refusal;
  const text = result.text + (typeof refusal === 'string' ? refusal : '');
  if (text !== '' || result.toolCalls.length === 0) output.push(messageItem(`msg_${e.id}_${output.length}`, text, true));
  for (const call of result.toolCalls)
    output.push(callItem(`fc_${e.id}_${output.length}`, { id: call.id, name: call.function.name, args: call.function.arguments }, true));
  return responseObject(e, { ...status(result.finishReason), output, usage });
}

type OpenItem =
  | { kind: 'message'; id: string; text: string }
  | { kind: 'reasoning'; id: string; text: string }
  | { kind: 'call'; id: string; index: number; call: { id: string; name: string; args: string } };

/** One stream's events: tracks the open output item so each part lands in the right one. */
export class ResponseEventEncoder implements SseEncoder {
  private sequence = 0;
  private readonly done: Item[] = [];
  private current: OpenItem | null = null;

  constructor(private readonly envelope: ResponseEnvelope) {}

  open(): string {
    const response = responseObject(this.envelope, { status: 'in_progress', output: [], usage: null });
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  part(part: AnswerPart): string {
    switch (part.type) {
      case 'text-delta':
      case 'refusal-delta':
        return part.text === '' ? '' : this.into('message') + this.textDelta(part.text);
      case 'reasoning-delta':
        return part.text === '' ? '' : this.into('reasoning') + this.textDelta(part.text);
      case 'tool-call-delta': {
        let out = '';
        if (this.current?.kind !== 'call' || this.current.index !== part.index) {
          out += this.closeItem();
          const open: OpenItem = {
            kind: 'call',
            id: `fc_${this.envelope.id}_${this.done.length}`,
            index: part.index,
            call: { id: part.id ?? '', name: part.name ?? '', args: '' },
          };
          this.current = open;
          out += this.event('response.output_item.added', { output_index: this.done.length, item: callItem(open.id, open.call, false) });
        }
        const open = this.current;
        if (open?.kind !== 'call' || part.argumentsDelta === '') return out;
        open.call.args += part.argumentsDelta;
        return out + this.event('response.function_call_arguments.delta', { item_id: open.id, output_index: this.done.length, delta: part.argumentsDelta });
      }
      case 'finish': {
        // An answer with no text and no calls still has its (empty) message.
        const empty = this.done.length === 0 && this.current === null ? this.into('message') : '';
        const closed = empty + this.closeItem();
        const response = responseObject(this.envelope, { ...status(part.finishReason), output: this.done, usage: part.usage });
        return closed + this.event(response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
      }
      case 'logprobs-delta':
        return ''; // the Responses API sends them only when `include` asks, which Tandem does not pass on
      case 'failed': {
        const closed = this.closeItem();
        const response = responseObject(this.envelope, {
          status: 'failed',
          output: this.done,
          usage: null,
          error: { code: 'server_error', message: part.message },
        });
        return closed + this.event('response.failed', { response });
      }
    }
  }

  close(): string {
    return '';
  }

  private into(kind: 'message' | 'reasoning'): string {
    if (this.current?.kind === kind) return '';
    const out = this.closeItem();
    const id = `${kind === 'message' ? 'msg' : 'rs'}_${this.envelope.id}_${this.done.length}`;
    const open: OpenItem = kind === 'message' ? { kind: 'message', id, text: '' } : { kind: 'reasoning', id, text: '' };
    this.current = open;
    const outputIndex = this.done.length;
    if (kind === 'reasoning') return out + this.event('response.output_item.added', { output_index: outputIndex, item: reasoningItem(open.id, '', false) });
    return (
      out +
      this.event('response.output_item.added', { output_index: outputIndex, item: messageItem(open.id, '', false) }) +
      this.event('response.content_part.added', { item_id: open.id, output_index: outputIndex, content_index: 0, part: outputText('') })
    );
  }

  private textDelta(text: string): string {
    const open = this.current;
    if (open === null || open.kind === 'call') return '';
    open.text += text;
    const type = open.kind === 'message' ? 'response.output_text.delta' : 'response.reasoning_text.delta';
    return this.event(type, {
      item_id: open.id,
      output_index: this.done.length,
      content_index: 0,
      delta: text,
      ...(open.kind === 'message' ? { logprobs: [] } : {}),
    });
  }

  private closeItem(): string {
    const open = this.current;
    if (open === null) return '';
    this.current = null;
    const outputIndex = this.done.length;
    let out = '';
    let item: Item;
    if (open.kind === 'message') {
      item = messageItem(open.id, open.text, true);
      out += this.event('response.output_text.done', { item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text, logprobs: [] });
      out += this.event('response.content_part.done', { item_id: open.id, output_index: outputIndex, content_index: 0, part: outputText(open.text) });
    } else if (open.kind === 'reasoning') {
      item = reasoningItem(open.id, open.text, true);
      out += this.event('response.reasoning_text.done', { item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text });
    } else {
      item = callItem(open.id, open.call, true);
      out += this.event('response.function_call_arguments.done', {
        item_id: open.id,
        output_index: outputIndex,
        name: open.call.name,
        arguments: open.call.args,
      });
    }
    this.done.push(item);
    return out + this.event('response.output_item.done', { output_index: outputIndex, item });
  }

  private event(type: string, data: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: this.sequence++ })}\n\n`;
  }
}
