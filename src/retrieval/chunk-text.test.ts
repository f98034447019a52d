import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkText, DEFAULT_CHUNKING } from './chunk-text.js';

const sentences = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `Sentence ${from + i} is about topic ${(from + i) % 7}.`).join(' ');

test('every chunk is a slice of the text at its offsets, within the limit, and the chunks cover the text', () => {
  const text = [sentences(30), sentences(12, 30), `${'word '.repeat(400)}end`, sentences(5, 42)].join('\n\n');
  for (const options of [DEFAULT_CHUNKING, { maxChars: 200, overlapChars: 60 }, { maxChars: 120, overlapChars: 0 }]) {
    const chunks = chunkText(text, options);
    let covered = 0;
    for (const c of chunks) {
      assert.equal(c.text, text.slice(c.start, c.end));
      assert.ok(c.text.length <= options.maxChars, `${c.text.length} > ${options.maxChars}`);
      assert.equal(c.text, c.text.trim());
      // No gap: each chunk starts at or before where the last one ended (plus the whitespace between).
      assert.ok(text.slice(covered, c.start).trim() === '', `text skipped before ${c.start}`);
      assert.ok(c.end > covered, 'each chunk adds text');
      covered = c.end;
    }
    assert.equal(text.slice(covered).trim(), '');
  }
});

test('ends on sentence boundaries and repeats whole sentences as overlap', () => {
  const text = sentences(30);
  const chunks = chunkText(text, { maxChars: 200, overlapChars: 80 });
  assert.ok(chunks.length > 3);
  for (const c of chunks) assert.match(c.text, /^Sentence \d+ .*\.$/s);
  for (let i = 1; i < chunks.length; i++) {
    const previous = chunks[i - 1];
    const current = chunks[i];
    assert.ok(previous && current);
    const shared = previous.end - current.start;
    assert.ok(shared > 0 && shared <= 80, `overlap ${shared}`);
  }
  assert.ok(chunkText(text, { maxChars: 200, overlapChars: 0 }).every((c, i, all) => i === 0 || c.start >= (all[i - 1]?.end ?? 0)));
});

test('prefers a paragraph break in the second half of a chunk over filling it', () => {
  const first = sentences(5);
  const text = `${first}\n\n${sentences(20, 5)}`;
  const [chunk] = chunkText(text, { maxChars: Math.floor(first.length * 1.6), overlapChars: 0 });
  assert.equal(chunk?.text, first);
});

test('a blank text has no chunks; a short one is one chunk', () => {
  assert.deepEqual(chunkText(' \n\n\t'), []);
  assert.deepEqual(chunkText('  Just one line.  '), [{ start: 2, end: 16, text: 'Just one line.' }]);
});
