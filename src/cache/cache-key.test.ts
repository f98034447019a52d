/** The exact cache's key: what changes it and what does not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { CACHE_KEY_FIELDS } from './cache-schema.js';
import { exactKey, settingsKey, stableJson } from './cache-key.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'tandem/auto', messages: [{ role: 'user', content: 'hi' }], stream: false, includeUsage: false, params: {}, extra: {}, ...overrides };
}

const ALL = [...CACHE_KEY_FIELDS];

test('the stream flag, JSON key order and unset fields do not change the key', () => {
  const a = exactKey(request({ params: { temperature: 0, max_tokens: 5 } }), ALL);
  assert.equal(exactKey(request({ stream: true, includeUsage: true, params: { max_tokens: 5, temperature: 0, top_p: undefined } }), ALL), a);
  assert.equal(stableJson({ b: 1, a: [1, { d: 2, c: undefined }] }), '{"a":[1,{"d":2}],"b":1}');
});

test('messages, model, tools, sampling and response format each change it, unless left out of `key`', () => {
  const base = exactKey(request(), ALL);
  assert.notEqual(exactKey(request({ messages: [{ role: 'user', content: 'hi!' }] }), ALL), base);
  assert.notEqual(exactKey(request({ model: 'other' }), ALL), base);
  assert.notEqual(exactKey(request({ params: { temperature: 0 } }), ALL), base);
  assert.notEqual(exactKey(request({ params: { response_format: { type: 'json_object' } } }), ALL), base);
  assert.notEqual(exactKey(request({ params: { tools: [{ type: 'function', function: { name: 'f' } }] } }), ALL), base);
  assert.equal(exactKey(request({ model: 'other', params: { max_tokens: 9 } }), ['messages']), exactKey(request(), ['messages']));
});

test('the settings key ignores the messages only', () => {
  assert.equal(settingsKey(request({ messages: [{ role: 'user', content: 'other words' }] }), ALL), settingsKey(request(), ALL));
  assert.notEqual(settingsKey(request({ params: { max_tokens: 3 } }), ALL), settingsKey(request(), ALL));
});
