import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PiiFinding } from './pii-finding.js';
import { resolveOverlaps } from './resolve-overlaps.js';

const spans = (text: string, findings: PiiFinding[]): string[] => findings.map((f) => `${f.type}:${text.slice(f.start, f.end)}`);

test('a name inside an address loses to the address, however confident; one straddling its edge is clipped', () => {
  const text = 'Lieferadresse An der Alster 3 und 106B Victoria Lane';
  const at = (s: string): [number, number] => [text.indexOf(s), text.indexOf(s) + s.length];
  const f = (type: PiiFinding['type'], s: string, confidence: number): PiiFinding => ({ type, start: at(s)[0], end: at(s)[1], confidence });
  const kept = resolveOverlaps(
    [
      f('STREET_ADDRESS', 'An der Alster 3', 0.65),
      f('PERSON', 'Lieferadresse An', 0.9),
      f('STREET_ADDRESS', '106B Victoria Lane', 0.75),
      f('PERSON', 'Victoria Lane', 0.95),
    ],
    text,
  );
  assert.deepEqual(spans(text, kept), ['PERSON:Lieferadresse', 'STREET_ADDRESS:An der Alster 3', 'STREET_ADDRESS:106B Victoria Lane']);
});

test('a national ID beats a phone reading of the same digits at equal confidence', () => {
  const text = 'BSN 111222333';
  const kept = resolveOverlaps([
    { type: 'PHONE_NUMBER', start: 4, end: 13, confidence: 0.9 },
    { type: 'NATIONAL_ID', start: 4, end: 13, confidence: 0.9 },
  ]);
  assert.deepEqual(spans(text, kept), ['NATIONAL_ID:111222333']);
});
