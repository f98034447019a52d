import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benignSentences, plantedValues } from '../../../test/pii/planted-values.js';
import { aadhaarValid, bsnValid, codiceFiscaleValid, dniValid, ninoValid, nirValid, steuerIdValid, verhoeffValid } from './national-id-checksums.js';
import { detectNationalIds } from './national-id-detector.js';

const found = (text: string, min = 0.5): string[] =>
  detectNationalIds(text)
    .filter((f) => f.confidence >= min)
    .map((f) => text.slice(f.start, f.end));

test('published example numbers pass their checksums, and one changed digit fails', () => {
  // Examples from the issuers' or Wikipedia's documentation of each scheme.
  const valid: Array<[(s: string) => boolean, string, string]> = [
    [steuerIdValid, '86095742719', '86095742718'],
    [bsnValid, '111222333', '111222334'],
    [nirValid, '184127645108946', '184127645108947'],
    [codiceFiscaleValid, 'RSSMRA85T10A562S', 'RSSMRA85T10A562T'],
    [dniValid, '12345678Z', '12345678A'],
    [dniValid, 'X1234567L', 'X1234567M'],
    [aadhaarValid, '234123412346', '234123412347'],
    [verhoeffValid, '2363', '2364'],
    [ninoValid, 'AB123456C', 'BG123456C'],
  ];
  for (const [check, good, bad] of valid) {
    assert.ok(check(good), `${good} should pass`);
    assert.ok(!check(bad), `${bad} should fail`);
  }
});

test('distinctive shapes are found anywhere; bare digit runs only after an ID cue', () => {
  assert.deepEqual(found('codice fiscale RSSMRA85T10A562S'), ['RSSMRA85T10A562S']);
  assert.deepEqual(found('my NI number is AB 12 34 56 C.'), ['AB 12 34 56 C']);
  assert.deepEqual(found('DNI: 12345678-Z'), ['12345678-Z']);
  assert.deepEqual(found('numéro de sécurité sociale : 1 84 12 76 451 089 46'), ['1 84 12 76 451 089 46']);
  assert.deepEqual(found('Steuer-ID: 86 095 742 719'), ['86 095 742 719']);
  assert.deepEqual(found('BSN 1112.22.333'), ['1112.22.333']);
  assert.deepEqual(found('Aadhaar 2341 2341 2346'), ['2341 2341 2346']);
  // The same digits with no cue score below the default threshold: one number in eleven passes by chance.
  assert.deepEqual(found('Reference 86095742719 attached'), []);
  assert.deepEqual(found('Invoice 111222333 is paid'), []);
});

test('every planted national ID is found (generator seed 31, 1,400 values)', () => {
  const misses = plantedValues({ seed: 31, count: 1400, types: ['NATIONAL_ID'] }).filter((v) => {
    const start = v.sentence.indexOf(v.value);
    return !detectNationalIds(v.sentence).some((f) => f.confidence >= 0.5 && f.start <= start && f.end >= start + v.value.length);
  });
  assert.deepEqual(
    misses.map((v) => `${v.form}: ${v.sentence}`),
    [],
  );
});

test('hard negatives hold no national ID at the default threshold (generator seed 32, 2,000 sentences)', () => {
  assert.deepEqual(
    benignSentences({ seed: 32, count: 2000 }).filter((s) => found(s).length > 0),
    [],
  );
});
