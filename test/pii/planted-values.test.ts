import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPii } from '../../src/privacy/detect-pii.js';
import { PII_TYPES } from '../../src/privacy/pii-finding.js';
import { benignSentences, PLANTED_FORMS, PLANTED_TYPES, plantedValues } from './planted-values.js';

test('the generator is deterministic per seed and puts each value in its sentence exactly once', () => {
  const a = plantedValues({ seed: 5, count: 600 });
  assert.deepEqual(plantedValues({ seed: 5, count: 600 }), a);
  assert.notDeepEqual(plantedValues({ seed: 6, count: 600 }), a);
  for (const v of a) {
    const first = v.sentence.indexOf(v.value);
    assert.ok(first >= 0 && first === v.sentence.lastIndexOf(v.value), JSON.stringify(v));
  }
  assert.deepEqual(benignSentences({ seed: 5, count: 50 }), benignSentences({ seed: 5, count: 50 }));
});

test('it covers every structured type, with many forms, languages and surroundings', () => {
  assert.deepEqual([...PLANTED_TYPES].sort(), PII_TYPES.filter((t) => t !== 'PERSON' && t !== 'IDENTIFIER').sort());
  const values = plantedValues({ seed: 8, count: 3000 });
  assert.ok(Object.values(PLANTED_FORMS).reduce((n, forms) => n + (forms?.length ?? 0), 0) >= 400);
  assert.deepEqual(new Set(values.map((v) => v.lang)), new Set(['en', 'de', 'fr', 'es', 'it', 'nl', 'pt']));
  assert.ok(
    values.some((v) => v.sentence.startsWith(v.value)),
    'a value at the very start',
  );
  assert.ok(
    values.some((v) => v.sentence.endsWith(v.value)),
    'a value at the very end',
  );
  assert.ok(
    values.some((v) => v.sentence.startsWith('{') && v.sentence.includes(v.value)),
    'a value inside JSON',
  );
  assert.ok(
    values.some((v) => v.sentence.includes(`\n${v.value}`) || v.sentence.includes(`- ${v.value}`)),
    'a value after a line break',
  );
  const only = plantedValues({ seed: 9, count: 50, types: ['PASSPORT'] });
  assert.ok(only.every((v) => v.type === 'PASSPORT'));
});

test('detection hides every planted value whole (seed 3, 2,400 values; names left out)', () => {
  const types = PII_TYPES.filter((t) => t !== 'PERSON' && t !== 'IDENTIFIER');
  const leaks: string[] = [];
  for (const v of plantedValues({ seed: 3, count: 2400 })) {
    const start = v.sentence.indexOf(v.value);
    const end = start + v.value.length;
    let at = start;
    for (const f of detectPii(v.sentence, { types })) if (f.start <= at && f.end > at) at = f.end;
    if (at < end) leaks.push(`${v.form}: ${JSON.stringify(v.sentence)}`);
  }
  assert.deepEqual(leaks, []);
});
