import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suggest } from './suggest.js';

test('suggests close typos, truncations and case slips, and nothing for unrelated input', () => {
  assert.equal(suggest('servr', ['server', 'store', 'models']), 'server');
  assert.equal(suggest('openai', ['openai-compatible', 'anthropic', 'embedded']), 'openai-compatible');
  assert.equal(suggest('Local', ['local', 'cloud']), 'local');
  assert.equal(suggest('gpt4o', ['gpt-4o', 'gpt-4o-mini', 'llama']), 'gpt-4o');
  assert.equal(suggest('banana', ['server', 'store', 'models']), undefined);
  assert.equal(suggest('x', []), undefined);
});
