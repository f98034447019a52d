import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SseEvent } from '../sse-parser.js';
import { collect } from '../testing/provider-conformance.js';
import { anthropicStreamParts } from './anthropic-stream-parts.js';

async function* events(...data: object[]): AsyncGenerator<SseEvent> {
  for (const d of data) yield { event: (d as { type: string }).type, data: JSON.stringify(d) };
}

test('a tool called without input streams `{}` as its arguments, as the non-streamed answer says', async () => {
  const streamed = await collect(
    anthropicStreamParts(
      events(
        { type: 'message_start', message: { id: 'msg', model: 'claude', usage: { input_tokens: 3, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_x', name: 'now', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 7 } },
        { type: 'message_stop' },
      ),
      { provider: 'anthropic', jsonTool: false },
    ),
  );
  assert.deepEqual([...streamed.toolCalls.values()], [{ id: 'toolu_x', name: 'now', arguments: '{}' }]);
  assert.deepEqual(streamed.parts[0], { type: 'start', id: 'msg', model: 'claude' });
  assert.deepEqual(streamed.finish?.usage, { inputTokens: 3, outputTokens: 7, estimated: false });
});

test('thinking blocks are skipped; tool indexes count tool calls only; message_delta usage wins', async () => {
  const streamed = await collect(
    anthropicStreamParts(
      events(
        { type: 'message_start', message: { id: 'm', usage: { input_tokens: 0, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Let me look.' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 't', name: 'search', input: {} } },
        { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"q":"x"}' } },
        { type: 'content_block_stop', index: 2 },
        { type: 'some_future_event', foo: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 50, cache_read_input_tokens: 10, output_tokens: 30 } },
        { type: 'message_stop' },
      ),
      { provider: 'anthropic', jsonTool: false },
    ),
  );
  assert.equal(streamed.text, 'Let me look.');
  assert.deepEqual([...streamed.toolCalls.entries()], [[0, { id: 't', name: 'search', arguments: '{"q":"x"}' }]]);
  assert.deepEqual(streamed.finish?.usage, { inputTokens: 60, outputTokens: 30, cachedInputTokens: 10, estimated: false });
});
