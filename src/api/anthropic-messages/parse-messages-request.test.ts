import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../spec/errors.js';
import { parseCountTokensRequest, parseMessagesRequest } from './parse-messages-request.js';

function refusal(body: unknown): GatewayError {
  try {
    parseMessagesRequest(body);
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail('the body was accepted');
}

test('a tool conversation becomes chat messages: tool results first in their turn, tool_use as tool_calls', () => {
  const request = parseMessagesRequest({
    model: 'm',
    max_tokens: 10,
    system: [
      { type: 'text', text: 'A' },
      { type: 'text', text: 'B' },
    ],
    messages: [
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 's' },
          { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'also' },
          { type: 'tool_result', tool_use_id: 't1', content: 'r', is_error: true },
        ],
      },
    ],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    tools: [{ name: 'f', input_schema: { type: 'object' } }],
  });
  assert.deepEqual(request.messages, [
    { role: 'system', content: 'A\nB' },
    { role: 'user', content: 'q' },
    { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
    { role: 'tool', tool_call_id: 't1', content: 'Error: r' },
    { role: 'user', content: [{ type: 'text', text: 'also' }] },
  ]);
  assert.deepEqual(request.params, {
    max_tokens: 10,
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    tool_choice: 'required',
    parallel_tool_calls: false,
  });
  assert.equal(request.includeUsage, true);
});

test('refusals name the field in Anthropic terms', () => {
  assert.match(refusal({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).message, /Missing required parameter: 'max_tokens'/);
  const content = refusal({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 5 }] });
  assert.equal(content.param, 'messages[0].content');
  assert.match(content.message, /content blocks/);
  assert.doesNotMatch(content.message, /image_url/);
  assert.equal(refusal({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], presence_penalty: 1 }).code, 'unknown_parameter');
  assert.equal(refusal({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], temperature: 1.5 }).param, 'temperature');
  assert.equal(
    refusal({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'f', input: {} }] }] }).param,
    'messages[0].content[0]',
  );
  assert.equal(
    refusal({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'bash_20250124', name: 'bash' }] }).code,
    'unsupported_tool',
  );
  assert.equal(refusal({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'f' }] }).param, 'tools[0].input_schema');
});

test('count_tokens needs no max_tokens', () => {
  assert.equal(parseCountTokensRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).messages.length, 1);
});
