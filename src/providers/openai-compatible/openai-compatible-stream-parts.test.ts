import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SseEvent } from '../sse-parser.js';
import { collect } from '../testing/provider-conformance.js';
import { openAICompatibleStreamParts } from './openai-compatible-stream-parts.js';

async function* events(...data: string[]): AsyncGenerator<SseEvent> {
  for (const d of data) yield { event: 'message', data: d };
}

test("Groq's usage under x_groq is read", async () => {
  const streamed = await collect(
    openAICompatibleStreamParts(
      events(
        '{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}',
        '{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}}',
        '[DONE]',
      ),
      'groq',
    ),
  );
  assert.deepEqual(streamed.finish?.usage, { inputTokens: 9, outputTokens: 2, estimated: false });
});

test('usage on every chunk (vLLM continuous_usage_stats): the last one wins', async () => {
  const streamed = await collect(
    openAICompatibleStreamParts(
      events(
        '{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}}',
        '{"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
      ),
      'vllm',
    ),
  );
  assert.equal(streamed.text, 'ab');
  assert.deepEqual(streamed.finish?.finishReason, { unified: 'length', raw: 'length' });
  assert.deepEqual(streamed.finish?.usage, { inputTokens: 5, outputTokens: 2, estimated: false });
});

test('tool calls sent whole, without index, keep their order; other choices are ignored', async () => {
  const streamed = await collect(
    openAICompatibleStreamParts(
      events(
        '{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}},{"id":"b","function":{"name":"g","arguments":"{\\"x\\":1}"}}]}}]}',
        '{"choices":[{"index":1,"delta":{"content":"second choice"}}]}',
        '{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}',
      ),
      'ollama',
    ),
  );
  assert.deepEqual(
    [...streamed.toolCalls.values()],
    [
      { id: 'a', name: 'f', arguments: '{}' },
      { id: 'b', name: 'g', arguments: '{"x":1}' },
    ],
  );
  assert.equal(streamed.text, '');
  assert.equal(streamed.finish?.finishReason.unified, 'tool-calls');
});

test('nothing after [DONE] is read as content', async () => {
  const streamed = await collect(
    openAICompatibleStreamParts(
      events('{"choices":[{"index":0,"delta":{"content":"a"}}]}', '[DONE]', '{"choices":[{"index":0,"delta":{"content":"late"}}]}'),
      'x',
    ),
  );
  assert.equal(streamed.text, 'a');
});

test('an invalid_request_error mid-stream is not retryable; a server_error is', async () => {
  const bad = await collect(openAICompatibleStreamParts(events('{"error":{"message":"bad","type":"invalid_request_error"}}'), 'x'));
  assert.equal(bad.error?.isRetryable, false);
  const server = await collect(openAICompatibleStreamParts(events('{"error":{"message":"oops","type":"server_error"}}'), 'x'));
  assert.equal(server.error?.isRetryable, true);
  assert.match(server.error?.message ?? '', /oops/);
});
