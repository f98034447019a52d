import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../spec/errors.js';
import { checkChatCounts, checkEmbeddingCounts, checkJsonDepth, DEFAULT_SHAPE_LIMITS } from './json-shape-limits.js';
import { parseJsonBody } from './read-body.js';

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

/** The reference definition: depth of the parsed value, by recursion (fine for the small cases here). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

function refusal(run: () => void): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  assert.fail('expected a GatewayError');
}

test('the depth of JSON text is counted as the parsed value nests, strings and escapes skipped', () => {
  const texts = [
    '{}',
    '[1,[2,[3]]]',
    '{"a":{"b":[{"c":"[[[[[[[[{{{{{"}]}}',
    '{"a":"quote \\" then [[[[","b":[["\\\\"],["\\\\\\"[[[["]]}',
    '{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}',
    '"just a string with ["',
    '[[],[[]],[[[]]],{}]',
  ];
  for (const text of texts) {
    const depth = depthOf(JSON.parse(text));
    assert.doesNotThrow(() => checkJsonDepth(text, Math.max(depth, 1)), text);
    if (depth > 1) assert.throws(() => checkJsonDepth(text, depth - 1), GatewayError, text);
  }
});

test('too deep: a 400 naming the limit, its config key and the top-level field', () => {
  const body = `{"model":"m","messages":[],"x_unknown":${nested(10_000, '{"a":', '}').replace('{"a":}', '{"a":1}')}}`;
  const error = refusal(() => parseJsonBody(body, { max_json_depth: 64 }));
  assert.equal(error.status, 400);
  assert.equal(error.code, 'json_too_deep');
  assert.equal(error.param, 'x_unknown');
  assert.match(error.message, /more than 64 levels deep in 'x_unknown'; the limit is server\.max_json_depth \(64\)/);
  // The default applies without a config, and an array at the top has no field to name.
  assert.equal(refusal(() => parseJsonBody(nested(65))).param, null);
  assert.doesNotThrow(() => parseJsonBody(nested(64)));
});

test('a megabyte of brackets is refused without recursion and without parsing it', () => {
  const started = performance.now();
  assert.equal(refusal(() => parseJsonBody(nested(1_000_000), { max_json_depth: 64 })).code, 'json_too_deep');
  // Unterminated strings and unbalanced text are left for JSON.parse to report.
  assert.equal(refusal(() => parseJsonBody('{"a": "no end')).code, 'invalid_json');
  assert.equal(refusal(() => parseJsonBody(']]]]')).code, 'invalid_json');
  assert.ok(performance.now() - started < 1_000);
});

test("counts: messages, content parts, tools and metadata keys over their limits get OpenAI's wording", () => {
  const limits = { ...DEFAULT_SHAPE_LIMITS, max_messages: 3, max_content_parts: 2, max_tools: 1, max_metadata_keys: 2 };
  const message = { role: 'user', content: 'hi' };
  assert.doesNotThrow(() => checkChatCounts({ messages: [message, message, message], tools: [{}], metadata: { a: '1', b: '2' } }, limits));
  const tooMany = refusal(() => checkChatCounts({ messages: [message, message, message, message] }, limits));
  assert.equal(tooMany.param, 'messages');
  assert.equal(tooMany.code, 'array_above_max_length');
  assert.equal(
    tooMany.message,
    "Invalid 'messages': array too long. Expected an array with maximum length 3, but got an array with length 4 instead (server.max_messages).",
  );
  const parts = refusal(() => checkChatCounts({ messages: [message, { role: 'user', content: [{}, {}, {}] }] }, limits));
  assert.equal(parts.param, 'messages[1].content');
  assert.match(parts.message, /server\.max_content_parts/);
  assert.equal(refusal(() => checkChatCounts({ messages: [message], tools: [{}, {}] }, limits)).param, 'tools');
  const metadata = refusal(() => checkChatCounts({ messages: [message], metadata: { a: '1', b: '2', c: '3' } }, limits));
  assert.equal(metadata.param, 'metadata');
  assert.match(metadata.message, /at most 2 properties, but got an object with 3 properties instead \(server\.max_metadata_keys\)/);
  // Wrong types are the schema's to report.
  assert.doesNotThrow(() => checkChatCounts({ messages: 'x', tools: {}, metadata: [] }, limits));
  assert.equal(refusal(() => checkEmbeddingCounts({ input: ['a', 'b', 'c'] }, { ...limits, max_embedding_inputs: 2 })).param, 'input');
});
