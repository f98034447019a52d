import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benignSentences, plantedValues } from '../../../test/pii/planted-values.js';
import { detectPassports } from './passport-detector.js';

const found = (text: string): string[] => detectPassports(text).map((f) => text.slice(f.start, f.end));

test('a passport number right after a passport cue, in any of seven languages', () => {
  assert.deepEqual(found('passport number: X12345678'), ['X12345678']);
  assert.deepEqual(found('Reisepassnummer C01X00T47.'), ['C01X00T47']);
  assert.deepEqual(found('numéro de passeport : 12AB34567'), ['12AB34567']);
  assert.deepEqual(found('Pasaporte nº AAA123456;'), ['AAA123456']);
  assert.deepEqual(found('my passport is (548713905)'), ['548713905']);
  assert.deepEqual(found('Passport No. CVCFHHCCL'), ['CVCFHHCCL']);
});

test('no passport number without a cue, and none in questions about passports', () => {
  assert.deepEqual(found('Order X12345678 shipped'), []);
  assert.deepEqual(found('How do I renew my passport before May 2026?'), []);
  assert.deepEqual(found('My passport expired in 2024 and the renewal costs 75 euros'), []);
  assert.deepEqual(found('passport photos: 2 required'), []);
});

test('every planted passport number is found (generator seed 21, 1,000 values)', () => {
  const misses = plantedValues({ seed: 21, count: 1000, types: ['PASSPORT'] }).filter((v) => {
    const start = v.sentence.indexOf(v.value);
    return !detectPassports(v.sentence).some((f) => f.start <= start && f.end >= start + v.value.length);
  });
  assert.deepEqual(
    misses.map((v) => `${v.form}: ${v.sentence}`),
    [],
  );
});

test('hard negatives hold no passport number (generator seed 22, 2,000 sentences)', () => {
  assert.deepEqual(
    benignSentences({ seed: 22, count: 2000 }).filter((s) => detectPassports(s).length > 0),
    [],
  );
});

test('plain "pass" is not a passport cue', () => {
  assert.deepEqual(found('boarding pass 12AB34, then pass 123456 to the function'), []);
  assert.deepEqual(found('Pass-Nr. C01X00T47'), ['C01X00T47']);
});
