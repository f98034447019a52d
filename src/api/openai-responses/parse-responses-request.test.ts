import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../spec/errors.js';
import { parseResponsesRequest } from './parse-responses-request.js';

function refusal(body: unknown): GatewayError {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail('the body was accepted');
}

test('items become chat messages: consecutive function calls share one assistant turn', () => {
  const request = parseResponsesRequest({
    model: 'm',
    instructions: 'sys',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'q' }] },
      { type: 'reasoning', id: 'rs_1', summary: [] },
      { type: 'function_call', call_id: 'a', name: 'f', arguments: '{}' },
      { type: 'function_call', call_id: 'b', name: 'g', arguments: '{"x":1}' },
      { type: 'function_call_output', call_id: 'a', output: 'ra' },
      { type: 'function_call_output', call_id: 'b', output: [{ type: 'input_text', text: 'rb' }] },
    ],
    text: { format: { type: 'json_object' } },
    max_output_tokens: 20,
  });
  assert.deepEqual(request.messages, [
    { role: 'system', content: 'sys' },
    { role: 'user', content: [{ type: 'text', text: 'q' }] },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
        { id: 'b', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'a', content: 'ra' },
    { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'rb' }] },
  ]);
  assert.deepEqual(request.params, { max_tokens: 20, response_format: { type: 'json_object' } });
});

test('state and built-in tools are refused with a 400 that says why; bad items name their place', () => {
  assert.match(refusal({ model: 'm', input: 'x', store: true }).message, /stateless/);
  assert.equal(refusal({ model: 'm', input: 'x', previous_response_id: 'resp_1' }).param, 'previous_response_id');
  assert.equal(refusal({ model: 'm', input: 'x', background: true }).param, 'background');
  assert.equal(refusal({ model: 'm', input: 'x', tools: [{ type: 'file_search', vector_store_ids: [] }] }).param, 'tools[0].type');
  assert.equal(refusal({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }).param, 'input[0].type');
  assert.equal(refusal({ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }).param, 'input[0].call_id');
  const content = refusal({ model: 'm', input: [{ role: 'user', content: 7 }] });
  assert.equal(content.param, 'input[0].content');
  assert.match(content.message, /input_text/);
  assert.equal(
    refusal({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }).param,
    'input[0].content[0].image_url',
  );
  assert.equal(refusal({ model: 'm', input: 'x', max_output_tokens: 0 }).param, 'max_output_tokens');
});

test('fields chat completions share go on under their chat names', () => {
  const request = parseResponsesRequest({
    model: 'm',
    input: 'x',
    safety_identifier: 'u1',
    prompt_cache_key: 'k',
    service_tier: 'flex',
    reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'],
  });
  assert.deepEqual(request.extra, { safety_identifier: 'u1', prompt_cache_key: 'k', service_tier: 'flex', reasoning_effort: 'low' });
});
