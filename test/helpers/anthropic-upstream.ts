/**
 * A fake Anthropic Messages API upstream for end-to-end tests: answers `/v1/messages` in the shape of the
 * recorded responses in src/providers/anthropic/__fixtures__ (a `message` object, or its event stream with
 * message_start, ping, content blocks, message_delta with usage and message_stop), echoing the last user
 * text so tests can see exactly what reached the model. With tools, it calls the first tool.
 */
import { startFakeUpstream, type FakeResponse, type FakeUpstream, type RecordedRequest } from '../../src/providers/testing/fake-upstream.js';

interface AnthropicBody {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
  tools?: Array<{ name: string }>;
}

function lastUserText(body: AnthropicBody): string {
  const user = [...body.messages].reverse().find((m) => m.role === 'user');
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  return user.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('\n');
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export function anthropicEchoResponder(): (request: RecordedRequest) => FakeResponse {
  return (recorded) => {
    const body = recorded.json as AnthropicBody;
    const text = `echo: ${lastUserText(body)}`;
    const inputTokens = JSON.stringify(body.messages).length >> 2;
    const outputTokens = text.split(/\s+/).filter(Boolean).length;
    const tool = body.tools?.[0];
    const args = { city: 'Paris' };
    if (!body.stream) {
      const content = tool ? [{ type: 'tool_use', id: 'toolu_1', name: tool.name, input: args }] : [{ type: 'text', text }];
      return {
        body: {
          id: 'msg_up',
          type: 'message',
          role: 'assistant',
          model: body.model,
          content,
          stop_reason: tool ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens },
        },
      };
    }
    const chunks = [
      event('message_start', {
        message: {
          id: 'msg_up',
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
        },
      }),
      event('ping', {}),
    ];
    if (tool) {
      const json = JSON.stringify(args);
      chunks.push(
        event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: tool.name, input: {} } }),
        event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(0, 5) } }),
        event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(5) } }),
        event('content_block_stop', { index: 0 }),
      );
    } else {
      chunks.push(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
      for (const word of text.split(/(?<= )/)) chunks.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } }));
      chunks.push(event('content_block_stop', { index: 0 }));
    }
    chunks.push(
      event('message_delta', { delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } }),
      event('message_stop', {}),
    );
    return { headers: { 'content-type': 'text/event-stream' }, chunks };
  };
}

export async function startAnthropicEchoUpstream(): Promise<FakeUpstream> {
  return startFakeUpstream({ '/v1/messages': anthropicEchoResponder() });
}
