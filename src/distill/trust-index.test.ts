import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTrustIndex, termsOf, TrustIndex } from './trust-index.js';

const texts = ['where is my new card', 'my card has not arrived yet', 'how do i top up my account', 'top up failed with my card', 'change my pin please'];
const labels = [0, 0, 1, 1, 2];

test('terms are the distinct word unigrams and bigrams, case-insensitive', () => {
  assert.deepEqual([...termsOf('My card, my CARD')], [...termsOf('my card my card')]);
  assert.equal(termsOf('my card my card').length, 4, 'my, card, "my card", "card my"');
  assert.equal(termsOf('').length, 0);
});

test('trust: the nearest input of the predicted label and of any other', () => {
  const index = new TrustIndex(buildTrustIndex(texts, labels, 1));
  const repeat = index.trust('where is my new card', 0);
  assert.ok(Math.abs(repeat.same - 1) < 1e-5, JSON.stringify(repeat));
  assert.ok(repeat.other > 0 && repeat.other < 0.5, 'shares only "my card" with another label');
  const wrongLabel = index.trust('where is my new card', 1);
  assert.ok(Math.abs(wrongLabel.other - 1) < 1e-5 && wrongLabel.same < 0.5, 'the nearest input carries another label');
  assert.deepEqual(index.trust('recommend a pizza recipe', 0), { same: 0, other: 0 });
});

test('an indexed input can be left out (its out-of-fold trust)', () => {
  const index = new TrustIndex(buildTrustIndex(texts, labels, 1));
  const left = index.trust('where is my new card', 0, 0);
  assert.ok(left.same < 1 && left.same > 0, JSON.stringify(left));
});

test('terms in more than the given share of inputs are left out of the index and of queries', () => {
  const data = buildTrustIndex(texts, labels, 0.5);
  const my = termsOf('my')[0] as number;
  assert.ok(!data.terms.includes(my), '"my" is in 4 of 5 inputs');
  assert.deepEqual(new TrustIndex(data).trust('my', 0), { same: 0, other: 0 });
  assert.equal(data.offsets.length, data.terms.length + 1);
  assert.equal(data.examples.length, data.offsets[data.terms.length]);
});
