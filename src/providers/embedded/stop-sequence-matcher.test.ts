import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopSequenceMatcher } from './stop-sequence-matcher.js';

function run(matcher: StopSequenceMatcher, pieces: string[]): { emitted: string[]; stopped: boolean } {
  const emitted: string[] = [];
  for (const piece of pieces) {
    const match = matcher.push(piece);
    emitted.push(match.text);
    if (match.stopped) return { emitted, stopped: true };
  }
  emitted.push(matcher.flush());
  return { emitted, stopped: false };
}

test('a stop sequence split across pieces is never emitted, and text before it is', () => {
  const { emitted, stopped } = run(new StopSequenceMatcher(['END']), ['Hello E', 'N', 'D and more']);
  assert.equal(stopped, true);
  assert.equal(emitted.join(''), 'Hello ');
  // "E" was held back until it could no longer start "END".
  assert.deepEqual(emitted, ['Hello ', '', '']);
});

test('held text is released once it cannot become a stop sequence', () => {
  const matcher = new StopSequenceMatcher(['END']);
  assert.equal(matcher.push('a E').text, 'a ');
  assert.equal(matcher.push('x').text, 'Ex');
  assert.equal(matcher.flush(), '');
});

test('the earliest of several stop sequences wins', () => {
  const { emitted } = run(new StopSequenceMatcher(['world', 'lo']), ['hello world']);
  assert.equal(emitted.join(''), 'hel');
});

test('without stop sequences everything passes straight through', () => {
  const { emitted, stopped } = run(new StopSequenceMatcher(['']), ['a', 'b']);
  assert.deepEqual(emitted, ['a', 'b', '']);
  assert.equal(stopped, false);
});

test('trailing whitespace can be held back and trimmed at the end', () => {
  const matcher = new StopSequenceMatcher([], { trimTrailingWhitespace: true });
  assert.equal(matcher.push('{"a": 1}').text, '{"a": 1}');
  assert.equal(matcher.push('\n  ').text, '');
  assert.equal(matcher.push(' x').text, '\n   x');
  assert.equal(matcher.push('\n\n').text, '');
  assert.equal(matcher.flush(), '');
});
