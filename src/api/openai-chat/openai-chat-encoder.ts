/** Encodes Tandem's results back into OpenAI's chat-completions wire format, whole or as SSE chunks. */
import type { ChatResult, StreamPart } from '../../spec/stream-part.js';
import { toOpenAIFinishReason, type Usage } from '../../spec/usage.js';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

/** The same shape streamed and not, whatever the upstream reported: `prompt_tokens_details` always, as OpenAI sends it. */
export function encodeUsage(usage: Usage): OpenAIUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
  };
}

/**
 * Where each of ChatResult.extra's fields lives in OpenAI's response object
 * (https://platform.openai.com/docs/api-reference/chat/object); unlisted fields stay at the top level.
 */
const EXTRA_PLACE: Readonly<Record<string, 'response' | 'choice' | 'message'>> = {
  system_fingerprint: 'response',
  service_tier: 'response',
  logprobs: 'choice',
  refusal: 'message',
  reasoning_content: 'message',
  annotations: 'message',
};

export function encodeCompletion(options: { id: string; created: number; model: string; result: ChatResult; usage: Usage }): Record<string, unknown> {
  const { result } = options;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: result.text === '' && result.toolCalls.length > 0 ? null : result.text,
    refusal: null,
  };
  if (result.toolCalls.length > 0) message.tool_calls = result.toolCalls;
  const choice: Record<string, unknown> = { index: 0, message, logprobs: null, finish_reason: toOpenAIFinishReason(result.finishReason.unified) };
  const response: Record<string, unknown> = { id: options.id, object: 'chat.completion', created: options.created, model: options.model, choices: [choice] };
  const places = { response, choice, message };
  for (const [key, value] of Object.entries(result.extra ?? {})) places[EXTRA_PLACE[key] ?? 'response'][key] = value;
  response.usage = encodeUsage(options.usage);
  return response;
}

/** Builds `data: …\n\n` lines for one stream; keeps the per-stream constants in one place. */
export class ChunkEncoder {
  private readonly prefix: string;

  constructor(id: string, created: number, model: string) {
    this.prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},`;
  }

  /** The first chunk: the assistant role with empty content, as OpenAI sends it. */
  role(): string {
    return this.line('"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]');
  }

  /** A content part as a chunk, or '' for parts that produce none. */
  part(part: StreamPart): string {
    switch (part.type) {
      case 'text-delta':
        return part.text === ''
          ? ''
          : this.line(`"choices":[{"index":0,"delta":{"content":${JSON.stringify(part.text)}},"logprobs":null,"finish_reason":null}]`);
      case 'reasoning-delta':
        return this.line(`"choices":[{"index":0,"delta":{"reasoning_content":${JSON.stringify(part.text)}},"logprobs":null,"finish_reason":null}]`);
      case 'refusal-delta':
        return this.line(`"choices":[{"index":0,"delta":{"refusal":${JSON.stringify(part.text)}},"logprobs":null,"finish_reason":null}]`);
      case 'logprobs-delta':
        return this.line(`"choices":[{"index":0,"delta":{},"logprobs":${JSON.stringify(part.logprobs)},"finish_reason":null}]`);
      case 'tool-call-delta': {
        const call: Record<string, unknown> = { index: part.index };
        if (part.id !== undefined) {
          call.id = part.id;
          call.type = 'function';
        }
        const fn: Record<string, string> = { arguments: part.argumentsDelta };
        if (part.name !== undefined) fn.name = part.name;
        call.function = fn;
        return this.line(`"choices":[{"index":0,"delta":{"tool_calls":[${JSON.stringify(call)}]},"logprobs":null,"finish_reason":null}]`);
      }
      case 'finish':
        return this.line(`"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"${toOpenAIFinishReason(part.finishReason.unified)}"}]`);
      default:
        return '';
    }
  }

  /** The usage chunk OpenAI sends after the finish chunk when `stream_options.include_usage` is set. */
  usage(usage: Usage): string {
    return this.line(`"choices":[],"usage":${JSON.stringify(encodeUsage(usage))}`);
  }

  private line(rest: string): string {
    return `data: ${this.prefix}${rest}}\n\n`;
  }
}

export const DONE_LINE = 'data: [DONE]\n\n';

/** OpenAI's in-stream error event, sent when an upstream fails after the first byte. */
export function streamErrorLine(message: string, type = 'api_error'): string {
  return `data: ${JSON.stringify({ error: { message, type, param: null, code: null } })}\n\n`;
}
