import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSimpleChatBody } from './chat-request-fast-path.js';
import { parseChatRequest, parseChatRequestWithSchema } from './parse-chat-request.js';

const base = {
  model: 'tandem/auto',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi', name: 'ann' },
    { role: 'assistant', content: null, refusal: null },
    { role: 'developer', content: '' },
  ],
};

/** Each field with values on both sides of the schema's bounds, and of the wrong type. */
const variations: Record<string, unknown[]> = {
  model: ['', 'm', 3, null],
  messages: [
    [],
    [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    [{ role: 'user' }],
    [{ role: 'user', content: 'x', extra: 1 }],
    [{ role: 'tool', content: 'x', tool_call_id: 't' }],
    [{ role: 'assistant' }],
    [{ role: 'wizard', content: 'x' }],
    [{ role: 'assistant', content: 'x', tool_calls: [] }],
    'hi',
  ],
  stream: [true, false, null, 'yes'],
  stream_options: [{ include_usage: true }, {}, null, { include_usage: 'y' }, { other: 1 }],
  temperature: [0, 2, 2.01, -0.1, 1.5, null, '1'],
  top_p: [0, 1, 1.2, null],
  max_tokens: [1, 0, -1, 1.5, 2 ** 60, null],
  max_completion_tokens: [64, 0, null],
  stop: ['x', ['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd', 'e'], [1], null],
  seed: [42, -7, 1.5, null],
  presence_penalty: [-2, 2, 2.5],
  frequency_penalty: [0, -2.5],
  n: [1, 2, null],
  logprobs: [true, null, 1],
  top_logprobs: [0, 20, 21],
  user: ['u', null, 5],
  metadata: [{ a: 'b', sensitive: 'true' }, { a: 1 }, null, [], 'x'],
  tools: [[{ type: 'function', function: { name: 'f' } }]],
  response_format: [{ type: 'json_object' }],
  reasoning_effort: ['low'],
  top_k: [5],
};

function outcome(parse: (json: unknown) => unknown, json: unknown): unknown {
  try {
    return { ok: parse(json) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

test('every body the fast path accepts parses to exactly what the schema gives', () => {
  let fast = 0;
  let total = 0;
  for (const [field, values] of Object.entries(variations)) {
    for (const value of values) {
      const json = JSON.parse(JSON.stringify({ ...base, [field]: value })) as unknown;
      total++;
      if (isSimpleChatBody(json)) {
        fast++;
        assert.deepEqual(outcome(parseChatRequest, json), { ok: parseChatRequestWithSchema(json) }, `${field}: ${JSON.stringify(value)}`);
      } else {
        assert.deepEqual(outcome(parseChatRequest, json), outcome(parseChatRequestWithSchema, json), `${field}: ${JSON.stringify(value)}`);
      }
    }
  }
  // The comparison above means something only if both paths were taken often.
  assert.ok(fast > 20 && total - fast > 20, `fast ${fast} of ${total}`);
});

test('invalid bodies never take the fast path, so their errors come from the schema', () => {
  const invalid = [
    null,
    [],
    'x',
    {},
    { model: 'm' },
    { messages: [{ role: 'user', content: 'x' }] },
    { model: 'm', messages: [] },
    { ...base, temperature: 3 },
  ];
  for (const json of invalid) {
    assert.equal(isSimpleChatBody(json), false, JSON.stringify(json));
    assert.throws(() => parseChatRequest(json));
  }
  assert.throws(() => parseChatRequest({ ...base, max_tokens: 0 }), /Invalid value for 'max_tokens'/);
});
