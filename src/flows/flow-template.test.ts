import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTemplate } from './flow-template.js';

test('placeholders render their values; fields one by one or whole; unknown ones render empty', () => {
  const out = renderTemplate('{{input}} | {{ intent }} | {{fields.order}} | {{fields.n}} | {{fields}} | {{nope}} | {{fields.missing}} | {{input.x}}', {
    input: 'hi',
    intent: 'refund',
    fields: { order: 'A-12', n: 3 },
  });
  assert.equal(out, 'hi | refund | A-12 | 3 | {"order":"A-12","n":3} |  |  | ');
});
