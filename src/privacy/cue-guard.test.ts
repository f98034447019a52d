import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benignSentences } from '../../test/pii/planted-values.js';
import { cueGuard, cueGuardTexts } from './cue-guard.js';

const kind = (text: string): string | null => cueGuard(text)?.kind ?? null;

test('a strong cue next to an identifier no detector knows trips the guard', () => {
  // Shapes none of the detectors model: a made-up passport format, a date with a typo, an odd ID.
  assert.equal(kind('passport: ZX-99-8811-Q'), 'passport');
  assert.equal(kind('Geburtsdatum 14..10..1985'), 'date-of-birth');
  assert.equal(kind('numéro de sécurité sociale 2-69-05-49-588-157'), 'national-id');
  assert.equal(kind('IBAN: XK05 1212 0123'), 'bank-account');
  assert.equal(kind('fecha_de_nacimiento=85/10/14'), 'date-of-birth');
  assert.equal(kind('ZX998811Q is my passport number'), 'passport');
  assert.equal(kind('contraseña: gato-azul-77'), 'secret');
  assert.equal(kind('fecha de nacimiento: 14 de octubre de 1985'), 'date-of-birth');
});

test('a cue with no identifier beside it, or an amount, does not', () => {
  assert.equal(kind('How do I renew my passport before May 2026?'), null);
  assert.equal(kind('What is the format of an IBAN?'), null);
  assert.equal(kind('My passcode does not work'), null);
  assert.equal(kind('I forgot my password, please reset it'), null);
  assert.equal(kind('card number fee is $12500 per year?'), null);
  assert.equal(kind('date of birth field is required in step 3'), null);
  // A month-name date is a value only next to a birth cue: a passport's expiry is not an identifier.
  assert.equal(kind('my passport expires on 14 May 2027'), null);
});

test('a bare value is read with its field name as its cue', () => {
  assert.equal(cueGuardTexts([{ text: 'ZX-99-8811-Q', cue: 'passport no' }])?.kind, 'passport');
  assert.equal(cueGuardTexts([{ text: 'ZX-99-8811-Q' }]), null);
});

test('hard negatives do not trip it (generator seed 71, 4,000 sentences)', () => {
  assert.deepEqual(
    benignSentences({ seed: 71, count: 4000 }).filter((s) => cueGuard(s) !== null),
    [],
  );
});
