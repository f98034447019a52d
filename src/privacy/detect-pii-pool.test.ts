import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { assessPrivacy, assessPrivacyAsync } from './assess-privacy.js';
import { OFF_LOOP_MIN_CHARS, stopDetectionPool, warmDetectionPool } from './detect-pii-pool.js';

function request(chars: number): ChatRequest {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < chars; i++) {
    const line = i % 4 === 0 ? `Ticket ${i}: mail user${i}@example.com or call +1 (415) 555-${String(1000 + (i % 9000))}.` : `Line ${i}: the team will revisit the plan next week and share a summary.`;
    lines.push(line);
    size += line.length + 1;
  }
  return { model: 'r', messages: [{ role: 'user', content: lines.join('\n') }], stream: false, includeUsage: false, params: {}, extra: {} };
}

const settings = { mode: 'pseudonymise' as const, threshold: 0.5 };

/** The longest the event loop went without running a 1 ms interval while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, performance.now() - last);
}

describe('large requests are detected off the event loop', () => {
  after(() => stopDetectionPool());

  test('a small request is detected inline (no thread hop): its findings are kept', async () => {
    const small = request(2_000);
    assert.ok(2_000 < OFF_LOOP_MIN_CHARS);
    const a = await assessPrivacyAsync({ request: small, settings, markedBecause: null });
    assert.ok((a?.findings.length ?? 0) > 0);
  });

  test('a large request leaves the loop free, and gets the same decision and placeholder copy as inline', async () => {
    warmDetectionPool();
    const large = request(200_000);
    let inline: ReturnType<typeof assessPrivacy>;
    const started = performance.now();
    const inlineStall = await longestStall(async () => {
      inline = assessPrivacy({ request: large, settings, markedBecause: null });
    });
    const inlineMs = performance.now() - started;
    let offLoop: Awaited<ReturnType<typeof assessPrivacyAsync>>;
    const offLoopStall = await longestStall(async () => {
      offLoop = await assessPrivacyAsync({ request: large, settings, markedBecause: null });
    });
    // Inline, the whole detection is one stall; off the loop, only the hand-over and the copy are.
    assert.ok(inlineStall >= inlineMs * 0.8, `inline stall ${inlineStall} of ${inlineMs} ms`);
    assert.ok(offLoopStall < inlineStall / 5, `off-loop stall ${offLoopStall.toFixed(0)} ms vs inline ${inlineStall.toFixed(0)} ms`);
    assert.deepEqual(offLoop?.counts, inline?.counts);
    assert.equal(offLoop?.action, 'pseudonymised');
    const untag = (r: unknown): string => JSON.stringify(r).replace(/_[a-z0-9]{4}>/g, '>');
    assert.equal(untag(offLoop?.cloudView?.request), untag(inline?.cloudView?.request));
    assert.ok(!JSON.stringify(offLoop?.cloudView?.request).includes('user4@example.com'));
  });
});
