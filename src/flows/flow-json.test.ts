import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonAnswer } from './flow-json.js';

const schema = {
  type: 'object',
  properties: {
    intent: { type: 'string', enum: ['refund', 'faq'] },
    order: { type: 'string' },
    n: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
  required: ['intent'],
};

test('a matching answer parses, a fenced one too', () => {
  assert.deepEqual(parseJsonAnswer('{"intent":"refund","n":2,"tags":["a"]}', schema), { ok: true, value: { intent: 'refund', n: 2, tags: ['a'] } });
  assert.equal(parseJsonAnswer('```json\n{"intent":"faq"}\n```', schema).ok, true);
});

test('each kind of mismatch is named', () => {
  const problem = (text: string): string => {
    const r = parseJsonAnswer(text, schema);
    return r.ok ? 'ok' : r.problem;
  };
  assert.match(problem('{"intent": "refund"'), /not JSON/);
  assert.equal(problem('[1]'), '$ is array, expected object');
  assert.equal(problem('{}'), '$.intent is missing');
  assert.equal(problem('{"intent":"other"}'), '$.intent is "other", expected one of "refund", "faq"');
  assert.equal(problem('{"intent":"faq","n":"2"}'), '$.n is string, expected number');
  assert.equal(problem('{"intent":"faq","tags":[]}'), '$.tags has 0 items, fewer than 1');
  assert.equal(problem('{"intent":"faq","tags":[3]}'), '$.tags[0] is integer, expected string');
});
