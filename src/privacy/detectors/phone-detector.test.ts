import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benignSentences, plantedValues } from '../../../test/pii/planted-values.js';
import { detectPhoneNumbers } from './phone-detector.js';

const found = (text: string): string[] =>
  detectPhoneNumbers(text)
    .filter((f) => f.confidence >= 0.5)
    .map((f) => text.slice(f.start, f.end));

test('national formats with a cue in seven languages, a slash, 00 and (0) prefixes', () => {
  assert.deepEqual(found('Tel.: 030/1169678'), ['030/1169678']);
  assert.deepEqual(found('Telefon 0662197411'), ['0662197411']);
  assert.deepEqual(found('appelez-moi au 06 12 34 56 78.'), ['06 12 34 56 78']);
  assert.deepEqual(found('llámame al 612 34 56 78'), ['612 34 56 78']);
  assert.deepEqual(found('bel me op 06 12345678'), ['06 12345678']);
  assert.deepEqual(found('ring +44 (0)20 7946 0958'), ['+44 (0)20 7946 0958']);
  assert.deepEqual(found('0049 30 1169678'), ['0049 30 1169678']);
  assert.deepEqual(found('+4915123456789'), ['+4915123456789']);
});

test('order numbers, ISBNs, SSN shapes and dates are not phone numbers', () => {
  assert.deepEqual(found('Order #439301310 was shipped'), []);
  assert.deepEqual(found('my order number is 124891-4530640'), []);
  assert.deepEqual(found('ISBN 978-1-890-77419-6 is out of print'), []);
  assert.deepEqual(found('see 123-45-6789'), []);
  assert.deepEqual(found('Termin 14.10.2025, Rechnung 2024/11/03'), []);
});

test('a phone cue after an unrelated "account" still counts ("Please update my account. Tel. 0497943543")', () => {
  assert.deepEqual(found('Please update my account.\n- Tel. 0497943543'), ['0497943543']);
});

test('every planted phone number is found: E.164, international and national formats of 20 countries (seed 41, 2,000 values)', () => {
  const planted = plantedValues({ seed: 41, count: 2000, types: ['PHONE_NUMBER'] });
  assert.ok(new Set(planted.map((v) => v.form.split('-')[1])).size >= 15);
  const misses = planted.filter((v) => {
    const start = v.sentence.indexOf(v.value);
    return !detectPhoneNumbers(v.sentence).some((f) => f.confidence >= 0.5 && f.start <= start && f.end >= start + v.value.length);
  });
  assert.deepEqual(
    misses.map((v) => `${v.form}: ${v.sentence}`),
    [],
  );
});

test('hard negatives hold no phone number (generator seed 42, 2,000 sentences)', () => {
  assert.deepEqual(
    benignSentences({ seed: 42, count: 2000 }).filter((s) => found(s).length > 0),
    [],
  );
});
