import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FEATURES, FEATURE_MASK, computeLexBits, tokenFeatures } from './name-features.js';
import { Lex, buildLexicon } from './name-lexicon.js';
import { createTokenBuffer, tokenize } from './name-tokens.js';

const lexicon = buildLexicon([
  [['anna', 'wang'], Lex.Given],
  [['petrova', '王', '欧阳'], Lex.Surname],
  [['mr', 'г-н'], Lex.Title],
  [['name'], Lex.NameCue],
]);

function features(text: string, i: number, prev = 0): number[] {
  const tokens = tokenize(text, createTokenBuffer(4));
  const lexBits = computeLexBits(tokens, lexicon, new Uint16Array(tokens.count));
  const out = new Int32Array(MAX_FEATURES);
  const n = tokenFeatures({ tokens, lexBits, lexicon }, i, prev, out);
  return Array.from(out.subarray(0, n));
}

describe('name features', () => {
  test('are hashed indices inside the table, deterministic, and fit the buffer', () => {
    const a = features('My name is Anna Petrova.', 3);
    assert.deepEqual(a, features('My name is Anna Petrova.', 3));
    assert.ok(a.length > 20 && a.length <= MAX_FEATURES);
    for (const f of a) assert.ok(f >= 0 && f <= FEATURE_MASK);
  });

  test('see the neighbours: the same word after a different cue or with a different previous label differs', () => {
    const afterName = new Set(features('name Anna', 1));
    const afterOther = features('with Anna', 1);
    assert.ok(afterOther.some((f) => !afterName.has(f)));
    const started = new Set(features('Anna Petrova', 1, 1));
    assert.ok(features('Anna Petrova', 1, 0).some((f) => !started.has(f)));
  });

  test('a lexicon class fires for an unseen word of that class (the cue generalises, not the word)', () => {
    const title = new Set(features('Mr Zubrowski', 1));
    const cyrillicTitle = features('г-н Zubrowski', 1);
    const shared = cyrillicTitle.filter((f) => title.has(f));
    const untitled = new Set(features('the Zubrowski', 1));
    assert.ok(
      shared.some((f) => !untitled.has(f)),
      'some feature says "a title comes before"',
    );
  });

  test('CJK characters know where a listed surname starts and ends', () => {
    const withSurname = features('我叫王小明', 2);
    const withoutSurname = features('我叫丁小明', 2);
    assert.ok(withSurname.some((f) => !withoutSurname.includes(f)));
    const compound = features('欧阳小明', 0);
    assert.ok(compound.some((f) => !features('欧洲小明', 0).includes(f)));
  });
});
