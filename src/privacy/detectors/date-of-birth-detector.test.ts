import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benignSentences, plantedValues } from '../../../test/pii/planted-values.js';
import { detectDatesOfBirth } from './date-of-birth-detector.js';

const found = (text: string): string[] => detectDatesOfBirth(text).map((f) => text.slice(f.start, f.end));

test('dates of birth after a cue in seven languages, in the forms the leak probe used', () => {
  assert.deepEqual(found('DOB: 14-Oct-1985'), ['14-Oct-1985']);
  assert.deepEqual(found('né le 14 octobre 1985 à Lyon'), ['14 octobre 1985']);
  assert.deepEqual(found('Geburtsdatum: 14.10.1985.'), ['14.10.1985']);
  assert.deepEqual(found('fecha de nacimiento: 14 de octubre de 1985'), ['14 de octubre de 1985']);
  assert.deepEqual(found('data di nascita 14/10/1985'), ['14/10/1985']);
  assert.deepEqual(found('geboren op 14 okt. 1985'), ['14 okt. 1985']);
  assert.deepEqual(found('data de nascimento: 1985-10-14'), ['1985-10-14']);
  assert.deepEqual(found('ich bin am 8. Sep. 1958 geboren'), ['8. Sep. 1958']);
  assert.deepEqual(found('April 27, 2003 is my date of birth'), ['April 27, 2003']);
  assert.deepEqual(found('dob=19850314'), ['19850314']);
  assert.deepEqual(found("DOB 14 Oct '85"), ["14 Oct '85"]);
});

test('a date with no birth cue is not a date of birth', () => {
  assert.deepEqual(found('The meeting is on 14-Oct-1985 at noon.'), []);
  assert.deepEqual(found('Rechnung vom 14.10.2024, fällig am 14. November 2024'), []);
  assert.deepEqual(found('I was born in 1985'), []);
  // A cue with an impossible date: month 13, year 1850, a version number.
  assert.deepEqual(found('DOB: 31/13/1985, born 01.01.1850, birthday build 1.2.3'), []);
});

test('every planted date of birth is found (generator seed 11, 1,500 values, every form and language)', () => {
  const misses = plantedValues({ seed: 11, count: 1500, types: ['DATE_OF_BIRTH'] }).filter((v) => {
    const start = v.sentence.indexOf(v.value);
    return !detectDatesOfBirth(v.sentence).some((f) => f.start <= start && f.end >= start + v.value.length);
  });
  assert.deepEqual(
    misses.map((v) => `${v.form}: ${v.sentence}`),
    [],
  );
});

test('hard negatives hold no date of birth (generator seed 12, 2,000 sentences)', () => {
  const flagged = benignSentences({ seed: 12, count: 2000 }).filter((s) => detectDatesOfBirth(s).length > 0);
  assert.deepEqual(flagged, []);
});

test('look-alike cues: an apartment "4B.", NATO, an initial', () => {
  assert.deepEqual(found('Apt 4B. Moving day is 12/05/2025'), []);
  assert.deepEqual(found('The NATO summit on 12/05/2025'), []);
  assert.deepEqual(found('J. B. Smith signed on 12/05/2020'), []);
  assert.deepEqual(found('nato il 3 marzo 1961; b. 1961-03-03').sort(), ['1961-03-03', '3 marzo 1961']);
});
