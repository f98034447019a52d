import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerPart } from '../../gateway/pipeline.js';
import { encodeAnthropicUsage, MessageEventEncoder } from './messages-encoder.js';

function events(parts: AnswerPart[]): Array<{ type: string; index?: number; delta?: { type: string }; content_block?: { type: string } }> {
  const encoder = new MessageEventEncoder('msg_1', 'm');
  const text = encoder.open() + parts.map((p) => encoder.part(p)).join('') + encoder.close();
  return text
    .trim()
    .split('\n\n')
    .map((block) => JSON.parse(block.split('\n')[1]?.slice('data: '.length) ?? '{}'));
}

const usage = { inputTokens: 10, outputTokens: 4, cachedInputTokens: 6, estimated: false };

test('each kind of part opens its own content block, numbered in order; the finish closes the last one', () => {
  const out = events([
    { type: 'reasoning-delta', text: 'think' },
    { type: 'text-delta', text: 'Hi' },
    { type: 'text-delta', text: '!' },
    { type: 'tool-call-delta', index: 0, id: 'a', name: 'f', argumentsDelta: '{"x"' },
    { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
    { type: 'tool-call-delta', index: 1, id: 'b', name: 'g', argumentsDelta: '' },
    { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
  ]);
  const starts = out.filter((e) => e.type === 'content_block_start').map((e) => [e.index, e.content_block?.type]);
  assert.deepEqual(starts, [
    [0, 'thinking'],
    [1, 'text'],
    [2, 'tool_use'],
    [3, 'tool_use'],
  ]);
  assert.deepEqual(
    out.filter((e) => e.type === 'content_block_stop').map((e) => e.index),
    [0, 1, 2, 3],
  );
  assert.deepEqual(
    out.filter((e) => e.type === 'content_block_delta').map((e) => e.delta?.type),
    ['thinking_delta', 'text_delta', 'text_delta', 'input_json_delta', 'input_json_delta'],
  );
  assert.deepEqual(
    out.slice(-2).map((e) => e.type),
    ['message_delta', 'message_stop'],
  );
  assert.equal((out.at(-2) as unknown as { delta: { stop_reason: string } }).delta.stop_reason, 'tool_use');
});

test('an empty answer still has a text block; a failure is an error event', () => {
  assert.deepEqual(
    events([{ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage }]).map((e) => e.type),
    ['message_start', 'ping', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop'],
  );
  assert.deepEqual(
    events([
      { type: 'text-delta', text: 'a' },
      { type: 'failed', message: 'boom' },
    ])
      .map((e) => e.type)
      .slice(-2),
    ['content_block_stop', 'error'],
  );
});

test('usage counts cached input apart, as Anthropic does', () => {
  assert.deepEqual(encodeAnthropicUsage(usage), { input_tokens: 4, output_tokens: 4, cache_creation_input_tokens: null, cache_read_input_tokens: 6 });
});
