import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HELD_OUT_AMBIGUOUS_NAMES, HELD_OUT_GIVEN_NAMES } from '../data/name-lists-heldout.js';
import { AMBIGUOUS_NAMES, GIVEN_NAMES } from '../data/name-lists.js';
import { Lex, buildNameLexicon, nameLexicon, useNameLists } from './name-lexicon.js';
import { hashString } from './name-tokens.js';

const bits = (lexicon: ReturnType<typeof nameLexicon>, word: string): number => lexicon.bits(hashString(word));

describe('name lexicon', () => {
  test('ships the held-out quarter of the lists; the train part alone is there for evaluation', () => {
    const heldOut = HELD_OUT_GIVEN_NAMES.split(' ')[0]!;
    assert.ok(!GIVEN_NAMES.split(' ').includes(heldOut));
    assert.notEqual(bits(buildNameLexicon(), heldOut) & Lex.Given, 0);
    assert.equal(bits(buildNameLexicon({ lists: 'train' }), heldOut) & Lex.Given, 0);
    assert.notEqual(bits(nameLexicon(), heldOut) & Lex.Given, 0);
    const previous = useNameLists('train');
    try {
      assert.equal(bits(nameLexicon(), heldOut) & Lex.Given, 0);
    } finally {
      useNameLists(previous);
    }
    assert.notEqual(bits(nameLexicon(), heldOut) & Lex.Given, 0);
  });

  test('a list word that is also an ordinary word, a stop word or a place is ambiguous, not a plain name', () => {
    const lexicon = buildNameLexicon();
    for (const word of [...AMBIGUOUS_NAMES.split(' ').slice(0, 20), ...HELD_OUT_AMBIGUOUS_NAMES.split(' ').slice(0, 20)]) {
      const b = bits(lexicon, word);
      assert.notEqual(b & Lex.AmbiguousGiven, 0, word);
    }
    // "de" is a surname particle in the lists and a function word of many languages.
    assert.equal(bits(lexicon, 'de') & (Lex.StopWord | Lex.AmbiguousGiven), Lex.StopWord | Lex.AmbiguousGiven);
    assert.equal(bits(lexicon, 'de') & (Lex.Given | Lex.Surname), 0);
  });

  test('function words of languages without case are a class of their own', () => {
    const lexicon = buildNameLexicon();
    for (const word of ['से', 'دارد', 'של', 'und']) assert.notEqual(bits(lexicon, word) & Lex.StopWord, 0, word);
  });
});
