import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerPart } from '../../gateway/pipeline.js';
import { ResponseEventEncoder } from './responses-encoder.js';

const request = { model: 'r', messages: [{ role: 'user' as const, content: 'q' }], stream: true, includeUsage: true, params: {}, extra: {} };

function events(parts: AnswerPart[]): Array<Record<string, unknown> & { type: string; sequence_number: number; output_index?: number }> {
  const encoder = new ResponseEventEncoder({ id: 'resp_1', createdAt: 1, model: 'm', request });
  const text = encoder.open() + parts.map((p) => encoder.part(p)).join('');
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      const data = JSON.parse(dataLine?.slice('data: '.length) ?? '{}');
      assert.equal(eventLine, `event: ${data.type}`);
      return data;
    });
}

test('items open and close in order, every event numbered, and the completed response holds them all', () => {
  const out = events([
    { type: 'reasoning-delta', text: 'think' },
    { type: 'text-delta', text: 'Hi' },
    { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'f', argumentsDelta: '{}' },
    { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: { inputTokens: 3, outputTokens: 2, estimated: false } },
  ]);
  assert.deepEqual(
    out.map((e) => e.sequence_number),
    out.map((_, i) => i),
  );
  assert.deepEqual(
    out.filter((e) => e.type === 'response.output_item.added').map((e) => [e.output_index, (e.item as { type: string }).type]),
    [
      [0, 'reasoning'],
      [1, 'message'],
      [2, 'function_call'],
    ],
  );
  const completed = out.at(-1) as unknown as { type: string; response: { status: string; output: Array<{ type: string }>; usage: { total_tokens: number } } };
  assert.equal(completed.type, 'response.completed');
  assert.deepEqual(
    completed.response.output.map((i) => i.type),
    ['reasoning', 'message', 'function_call'],
  );
  assert.equal(completed.response.usage.total_tokens, 5);
});

test('a cut answer is incomplete, a failed one failed', () => {
  const cut = events([
    { type: 'text-delta', text: 'a' },
    { type: 'finish', finishReason: { unified: 'length', raw: 'length' }, usage: { inputTokens: 1, outputTokens: 1, estimated: false } },
  ]).at(-1) as unknown as {
    type: string;
    response: { incomplete_details: unknown };
  };
  assert.equal(cut.type, 'response.incomplete');
  assert.deepEqual(cut.response.incomplete_details, { reason: 'max_output_tokens' });
  assert.equal(events([{ type: 'failed', message: 'boom' }]).at(-1)?.type, 'response.failed');
});
