/** Accumulates a stream's content as it passes through: for accounting, task capture and the logged body. */
import type { ToolCall } from '../spec/chat-request.js';
import type { ChatResult, StreamPart } from '../spec/stream-part.js';
import type { FinishReason, Usage } from '../spec/usage.js';

export class StreamCollector {
  text = '';
  usage: Usage | undefined;
  finish: FinishReason | undefined;
  /** Streamed `reasoning_content`, `refusal` and `logprobs`, under those names (ChatResult.extra). */
  readonly extra: { reasoning_content?: string; refusal?: string; logprobs?: Record<string, unknown[]> } = {};
  private readonly calls: Array<{ id: string; name: string; args: string }> = [];

  add(part: StreamPart): void {
    if (part.type === 'text-delta') this.text += part.text;
    else if (part.type === 'reasoning-delta') this.extra.reasoning_content = (this.extra.reasoning_content ?? '') + part.text;
    else if (part.type === 'refusal-delta') this.extra.refusal = (this.extra.refusal ?? '') + part.text;
    else if (part.type === 'logprobs-delta') this.addLogprobs(part.logprobs);
    else if (part.type === 'tool-call-delta') {
      const call = (this.calls[part.index] ??= { id: '', name: '', args: '' });
      if (part.id) call.id = part.id;
      if (part.name) call.name += part.name;
      call.args += part.argumentsDelta;
    } else if (part.type === 'finish') {
      this.finish = part.finishReason;
      this.usage = part.usage;
    }
  }

  /** Each streamed `logprobs` holds the entries of its own tokens (`content`, `refusal`): the whole answer's are their concatenation. */
  private addLogprobs(logprobs: Record<string, unknown>): void {
    const all = (this.extra.logprobs ??= {});
    for (const [key, entries] of Object.entries(logprobs)) if (Array.isArray(entries)) (all[key] ??= []).push(...(entries as unknown[]));
  }

  toolCalls(): ToolCall[] {
    return this.calls.filter(Boolean).map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
  }

  /** The whole answer as a non-streamed call would have returned it. */
  result(model: string): ChatResult {
    return {
      id: '',
      model,
      text: this.text,
      toolCalls: this.toolCalls(),
      finishReason: this.finish ?? { unified: 'other', raw: undefined },
      extra: this.extra,
    };
  }
}
