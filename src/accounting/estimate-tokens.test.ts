import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { countPromptTokens, countTextTokens, quickPromptTokens } from './estimate-tokens.js';

const require = createRequire(import.meta.url);
const loadedTokenizer = (): boolean => Object.keys(require.cache).some((path) => path.includes('gpt-tokenizer'));

test('the tokenizer is loaded on the first exact count, not when the module is imported', () => {
  const request = { messages: [{ role: 'user' as const, content: 'Hello, world! How are you today?' }], params: {} };
  assert.ok(quickPromptTokens(request) > 0);
  assert.equal(loadedTokenizer(), false);
  assert.equal(countTextTokens('hello world'), 2);
  assert.equal(loadedTokenizer(), true);
  // 4 per message + 3 reply priming + the content's own tokens.
  assert.equal(countPromptTokens(request), 7 + countTextTokens('Hello, world! How are you today?'));
});
