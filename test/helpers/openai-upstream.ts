/**
 * A fake OpenAI-compatible upstream for end-to-end tests: answers `/v1/chat/completions` like OpenAI does,
 * whole or as SSE chunks (usage in a trailing chunk when asked), echoing the last user message so tests can
 * see exactly what reached the model.
 */
import { startFakeUpstream, type FakeResponse, type FakeUpstream, type RecordedRequest } from '../../src/providers/testing/fake-upstream.js';

export interface EchoOptions {
  /** Text of the answer; defaults to `echo: <last user message>`. */
  answer?: (request: OpenAIBody) => string;
  /** Report usage (default true). */
  usage?: boolean;
  /** Upstream model id reported back. */
  model?: string;
}

interface OpenAIBody {
  model: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages: Array<{ role: string; content: unknown }>;
  tools?: unknown[];
}

export function lastUser(body: OpenAIBody): string {
  const user = [...body.messages].reverse().find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
}

export function echoResponder(options: EchoOptions = {}): (request: RecordedRequest) => FakeResponse {
  return (recorded) => {
    const body = recorded.json as OpenAIBody;
    const text = options.answer ? options.answer(body) : `echo: ${lastUser(body)}`;
    const promptTokens = JSON.stringify(body.messages).length >> 2;
    const completionTokens = text.split(/\s+/).filter(Boolean).length;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const model = options.model ?? body.model;
    const wantUsage = options.usage !== false;
    if (body.tools?.length) {
      return toolCallResponse(body, model, usage, wantUsage);
    }
    if (!body.stream) {
      return {
        body: {
          id: 'chatcmpl-up',
          object: 'chat.completion',
          created: 1,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
          ...(wantUsage ? { usage } : {}),
        },
      };
    }
    const words = text.split(/(?<= )/);
    const chunk = (delta: unknown, finish: string | null): string =>
      `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const chunks = [chunk({ role: 'assistant', content: '' }, null), ': keep-alive\n\n', ...words.map((w) => chunk({ content: w }, null)), chunk({}, 'stop')];
    if (wantUsage && body.stream_options?.include_usage) {
      chunks.push(`data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`);
    }
    chunks.push('data: [DONE]\n\n');
    return { chunks };
  };
}

function toolCallResponse(body: OpenAIBody, model: string, usage: Record<string, number>, wantUsage: boolean): FakeResponse {
  const args = JSON.stringify({ city: 'Paris' });
  if (!body.stream) {
    return {
      body: {
        id: 'chatcmpl-up',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: args } }] },
            finish_reason: 'tool_calls',
          },
        ],
        ...(wantUsage ? { usage } : {}),
      },
    };
  }
  const chunk = (delta: unknown, finish: string | null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const chunks = [
    chunk(
      { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      null,
    ),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 5) } }] }, null),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(5) } }] }, null),
    chunk({}, 'tool_calls'),
  ];
  if (wantUsage && body.stream_options?.include_usage) {
    chunks.push(`data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`);
  }
  chunks.push('data: [DONE]\n\n');
  return { chunks };
}

export async function startEchoUpstream(options: EchoOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream({ '/v1/chat/completions': echoResponder(options) });
}
