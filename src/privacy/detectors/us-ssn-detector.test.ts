import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectUsSsns } from './us-ssn-detector.js';

const found = (text: string): string[] =>
  detectUsSsns(text)
    .filter((f) => f.confidence >= 0.5)
    .map((f) => text.slice(f.start, f.end));

test('nine bare digits after an SSN cue, or near other personal data', () => {
  assert.deepEqual(found('soc. sec. no. 377481353'), ['377481353']);
  assert.deepEqual(found('DOB 04/12/1979, 698145379'), ['698145379']);
  assert.deepEqual(found('john.doe@example.com 711254577'), ['711254577']);
  assert.deepEqual(found('Name: J. Smith, ID 512345678'), ['512345678']);
});

test('nine bare digits alone, or outside the issued ranges, are not an SSN', () => {
  assert.deepEqual(found('Order 512345678 shipped'), []);
  assert.deepEqual(found('born 1980-02-02 - 912345678'), []);
  assert.deepEqual(found('SSN 666123456 or 000-12-3456'), []);
  assert.deepEqual(found('total 512345678.50 on 04/12/2024'), []);
});
