/** The lexical embedder: unit vectors, deterministic, rewordings near, different intents far, IDF learned. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentFrequencies, LexicalEmbedder, lexicalWords } from './lexical-embedder.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

test('vectors are unit length, deterministic, and empty text is the zero vector', async () => {
  const e = new LexicalEmbedder({ dimensions: 256 });
  const [a, b, empty] = await e.embed(['How do I reset my password?', 'How do I reset my password?', '  ?! ']);
  assert.equal(a?.length, 256);
  assert.ok(Math.abs(cosine(a as Float32Array, a as Float32Array) - 1) < 1e-5);
  assert.deepEqual(a, b);
  assert.ok(empty?.every((x) => x === 0));
  assert.equal(e.name, 'lexical-v1-256');
});

test('case, punctuation and Unicode forms do not matter; shared words and inflections bring texts near', async () => {
  const e = new LexicalEmbedder();
  const [a, b] = await e.embed(['Cancel my order!', 'cancel   my ORDER']);
  assert.ok(cosine(a as Float32Array, b as Float32Array) > 0.999);
  assert.deepEqual(lexicalWords('Ｃafé — 42x'), ['café', '42x']);
  const [q, reworded, unrelated] = await e.embed(['I want a refund for my order', 'refunded order, I want my money', 'what is the weather in Paris tomorrow']);
  assert.ok(cosine(q as Float32Array, reworded as Float32Array) > cosine(q as Float32Array, unrelated as Float32Array) + 0.3);
});

test('IDF learned from stored texts lowers the weight of words every text has', async () => {
  const corpus = Array.from({ length: 200 }, (_, i) => `please help me with item ${i} of my account`);
  const plain = new LexicalEmbedder({ dimensions: 512 });
  const weighted = new LexicalEmbedder({ dimensions: 512 });
  weighted.observe(corpus);
  assert.equal(weighted.frequencies.docs, 200);
  const pair = ['please help me with my account password', 'please help me with my account address'];
  const [p1, p2] = await plain.embed(pair);
  const [w1, w2] = await weighted.embed(pair);
  // The shared boilerplate weighs less once learned, so the differing word counts for more.
  assert.ok(cosine(w1 as Float32Array, w2 as Float32Array) < cosine(p1 as Float32Array, p2 as Float32Array) - 0.05);
});

test('the frequency table survives JSON and refuses a table of other dimensions', async () => {
  const table = new DocumentFrequencies(128);
  table.observe(['alpha beta', 'beta gamma']);
  const back = DocumentFrequencies.fromJSON(JSON.parse(JSON.stringify(table)));
  assert.equal(back.docs, 2);
  assert.deepEqual(back.counts, table.counts);
  const [x] = await new LexicalEmbedder({ frequencies: table }).embed(['beta']);
  const [y] = await new LexicalEmbedder({ frequencies: back }).embed(['beta']);
  assert.deepEqual(x, y);
  assert.throws(() => new LexicalEmbedder({ dimensions: 64, frequencies: table }), /dimensions/);
  assert.throws(() => DocumentFrequencies.fromJSON({ dimensions: 64, docs: 1, counts: table.toJSON().counts }), /dimensions/);
});
