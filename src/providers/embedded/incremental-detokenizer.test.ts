import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';

// A toy byte-level vocabulary: each token is one byte of UTF-8.
const decode = (tokens: readonly number[]): string => new TextDecoder().decode(Uint8Array.from(tokens));

test('a character split over several byte tokens is emitted once it is complete', () => {
  const bytes = [...new TextEncoder().encode('a€b')];
  const detokenizer = new IncrementalDetokenizer<number>((tokens) => decode(tokens), []);
  const out = bytes.map((b) => detokenizer.push(b));
  assert.deepEqual(out, ['a', '', '', '€', 'b']);
  assert.equal(detokenizer.flush(), '');
});

test('each piece is decoded with the tokens before it as context', () => {
  const seen: number[][] = [];
  const detokenizer = new IncrementalDetokenizer<number>(
    (tokens, last) => {
      seen.push([...last]);
      return decode(tokens);
    },
    [104, 105],
  );
  detokenizer.push(33);
  detokenizer.push(63);
  assert.deepEqual(seen, [
    [104, 105],
    [104, 105, 33],
  ]);
});

test('an incomplete character left at the end is flushed as it decodes', () => {
  const detokenizer = new IncrementalDetokenizer<number>((tokens) => decode(tokens), []);
  assert.equal(detokenizer.push(0xe2), '');
  assert.equal(detokenizer.flush(), '\uFFFD');
});
