import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, parseSseStream, type SseEvent } from './sse-parser.js';

const STREAM =
  ': ping\n\n' +
  'data: {"a":1}\n\n' +
  'event: error\r\ndata: {"message":"boom"}\r\n\r\n' +
  'data: line one\ndata: line two\n\n' +
  'data: héllo ✓\n\n' +
  'data: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"a":1}' },
  { event: 'error', data: '{"message":"boom"}' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'message', data: 'héllo ✓' },
  { event: 'message', data: '[DONE]' },
];

test('parses comments, named events, CRLF and multi-line data', () => {
  const parser = new SseParser();
  assert.deepEqual([...parser.push(STREAM), ...parser.end()], EXPECTED);
});

test('gives the same events however the bytes are split, multi-byte characters included', () => {
  const bytes = new TextEncoder().encode(STREAM);
  for (let cut = 1; cut < bytes.length; cut++) {
    const parser = new SseParser();
    const events = [...parser.push(bytes.subarray(0, cut)), ...parser.push(bytes.subarray(cut)), ...parser.end()];
    assert.deepEqual(events, EXPECTED, `split at byte ${cut}`);
  }
});

test('dispatches a last event that has no trailing blank line', async () => {
  async function* body(): AsyncGenerator<string> {
    yield 'data: {"x":1}\n\n';
    yield 'data: {"x":2}';
  }
  const events: SseEvent[] = [];
  for await (const event of parseSseStream(body())) events.push(event);
  assert.deepEqual(
    events.map((e) => e.data),
    ['{"x":1}', '{"x":2}'],
  );
});

test('parses a large chunk of many events in linear time', () => {
  const event = 'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n';
  // A ratio rather than a time limit, best of five, so a loaded machine cannot fail it: 16x the events
  // should take about 16x as long, and rescanning the buffer for CR on every line (the old bug) made it
  // ~256x. The bound sits 4x from each (a 24x bound at 8x the events failed once in CI on a busy machine).
  const fastest = (count: number): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const text = event.repeat(count);
      const started = performance.now();
      const parser = new SseParser();
      const events = parser.push(text).length + parser.end().length;
      best = Math.min(best, performance.now() - started);
      assert.equal(events, count);
    }
    return best;
  };
  fastest(2_500); // warm-up
  const ratio = fastest(40_000) / fastest(2_500);
  assert.ok(ratio < 64, `16x the events took ${ratio.toFixed(1)}x as long`);
});
