import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPii } from './detect-pii.js';
import { detectionText, originalSpan } from './detection-text.js';

test('a text without special characters is read as it came', () => {
  assert.equal(detectionText('card 4111 1111 1111 1111, call +44 20 7946 0958'), null);
});

test('full-width and Arabic-Indic digits, odd spaces and dashes keep their offsets', () => {
  const d = detectionText('４１１１\u00a0٤١\u2013x');
  assert.equal(d?.text, '4111 41-x');
  assert.equal(d?.toOriginal, null);
});

test('zero-width characters and soft hyphens are dropped and mapped back', () => {
  const text = 'a 41\u200b11\u00ad22 b';
  const d = detectionText(text);
  assert.equal(d?.text, 'a 411122 b');
  assert.ok(d);
  // "411122" in the detection text is "41\u200b11\u00ad22" in the original.
  assert.deepEqual(originalSpan(d, 2, 8), { start: 2, end: 10 });
});

test('detectPii finds values written in those characters, spans in the original text', () => {
  const cases: Array<[string, string]> = [
    ['カード番号は ４１１１ １１１１ １１１１ １１１１ です', 'CREDIT_CARD'],
    ['card 4111\u200b1111\u200b1111\u200b1111 thanks', 'CREDIT_CARD'],
    ['رقم البطاقة ٤١١١ ١١١١ ١١١١ ١١١١', 'CREDIT_CARD'],
    ['SSN 123\u201345\u20136789', 'US_SSN'],
    ['IBAN\u00a0DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000', 'IBAN_CODE'],
    ['メール jane.doe＠example.com', 'EMAIL_ADDRESS'],
  ];
  for (const [text, type] of cases) {
    const f = detectPii(text).find((x) => x.type === type);
    assert.ok(f, `${type} in ${JSON.stringify(text)}`);
    const value = text.slice(f.start, f.end);
    assert.ok(/^[\d０-９٠-٩]/.test(value) || type === 'EMAIL_ADDRESS' || type === 'IBAN_CODE', value);
    assert.ok(!/\s$/.test(value));
  }
});

test('names are read in the original text', () => {
  const text = 'Ｎａｍｅ: Maria Keller';
  assert.ok(detectPii(text).every((f) => f.end <= text.length));
});
