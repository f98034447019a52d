import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { assessPrivacy, assessPrivacyAsync } from './assess-privacy.js';
import { detectionPoolAnswered, OFF_LOOP_MIN_CHARS, stopDetectionPool, warmDetectionPool } from './detect-pii-pool.js';

function request(chars: number): ChatRequest {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < chars; i++) {
    const line =
      i % 4 === 0
        ? `Ticket ${i}: mail user${i}@example.com or call +1 (415) 555-${String(1000 + (i % 9000))}.`
        : `Line ${i}: the team will revisit the plan next week and share a summary.`;
    lines.push(line);
    size += line.length + 1;
  }
  return { model: 'r', messages: [{ role: 'user', content: lines.join('\n') }], stream: false, includeUsage: false, params: {}, extra: {} };
}

const settings = { mode: 'pseudonymise' as const, threshold: 0.5 };

/** How many times the event loop ran a timer while `work` ran: about none when `work` holds the loop. */
async function loopTurns(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  const timer = setInterval(() => turns++, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return turns;
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
    // Timing-free: inline, the loop runs no timer during detection; off the loop, the detection is a job a
    // worker answers while the loop keeps turning (speed figures live in `npm run bench:pii-large-body`).
    let inline: ReturnType<typeof assessPrivacy>;
    const inlineTurns = await loopTurns(async () => {
      inline = assessPrivacy({ request: large, settings, markedBecause: null });
    });
    const answeredBefore = detectionPoolAnswered();
    let offLoop: Awaited<ReturnType<typeof assessPrivacyAsync>>;
    const offLoopTurns = await loopTurns(async () => {
      offLoop = await assessPrivacyAsync({ request: large, settings, markedBecause: null });
    });
    assert.equal(inlineTurns, 0);
    assert.equal(detectionPoolAnswered(), answeredBefore + 1, 'the large request went to a worker');
    assert.ok(offLoopTurns >= 2, `the loop turned ${offLoopTurns} times while a worker detected`);
    assert.deepEqual(offLoop?.counts, inline?.counts);
    assert.equal(offLoop?.action, 'pseudonymised');
    const untag = (r: unknown): string => JSON.stringify(r).replace(/_[a-z0-9]{4}>/g, '>');
    assert.equal(untag(offLoop?.cloudView?.request), untag(inline?.cloudView?.request));
    assert.ok(!JSON.stringify(offLoop?.cloudView?.request).includes('user4@example.com'));
  });
});
