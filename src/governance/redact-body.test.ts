import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactBody } from './redact-body.js';

const nestedAround = (inner: string, depth: number): string => {
  let text = inner;
  for (let i = 0; i < depth; i++) text = `{"a":[${text}]}`;
  return text;
};

test('JSON bodies keep their shape; every string is redacted with one mapping, in document order', () => {
  const body = JSON.stringify({
    model: 'x',
    messages: [
      { role: 'user', content: 'mail ana@example.com and bob@example.org' },
      { role: 'user', content: [{ type: 'text', text: 'again ana@example.com' }] },
    ],
    __proto__: 'carol@example.net',
  });
  const redacted = redactBody(body);
  assert.ok(!/@example\./.test(redacted), redacted);
  const parsed = JSON.parse(redacted) as { messages: Array<{ content: unknown }> };
  // Placeholders may carry a per-request suffix (<EMAIL_1_x7kq>): compare their shape, and that repeats agree.
  const first = String(parsed.messages[0]?.content);
  const [one, two] = first.match(/<EMAIL_\d+[^>]*>/g) ?? [];
  assert.ok(one && two && one !== two, first);
  assert.equal(first, `mail ${one} and ${two}`);
  assert.deepEqual(parsed.messages[1]?.content, [{ type: 'text', text: `again ${one}` }]);
  assert.match(redactBody('not json: ana@example.com'), /^not json: <EMAIL_1[^>]*>$/);
});

test("deep nesting neither throws nor leaks: iterative walk, then plain-text redaction past the writer's stack", () => {
  for (const depth of [2_500, 20_000]) {
    const body = nestedAround('"ana@example.com"', depth);
    let redacted = '';
    assert.doesNotThrow(() => (redacted = redactBody(body)), `depth ${depth}`);
    assert.ok(!redacted.includes('ana@example.com'), `depth ${depth} leaked`);
    assert.match(redacted, /<EMAIL_1[^>]*>/, `depth ${depth}`);
  }
});
