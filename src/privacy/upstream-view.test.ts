import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { ChatResult, StreamPart } from '../spec/stream-part.js';
import { assessPrivacy } from './assess-privacy.js';
import { restoreStream, upstreamView } from './upstream-view.js';

const request: ChatRequest = {
  model: 'r',
  messages: [{ role: 'user', content: 'Write to jane.doe@example.com, ship to:\n221 Baker Street\nApt. 4\nLondon\n\nCard 4111 1111 1111 1111.' }],
  stream: true,
  includeUsage: false,
  params: {},
  extra: {},
};
const privacy = assessPrivacy({ request, settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null });
const mapping = privacy?.cloudView?.mapping ?? new Map<string, string>();
const model = (locality: 'local' | 'cloud'): ModelInfo => ({ name: locality, locality }) as ModelInfo;

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of parts) out.push(p);
  return out;
}

async function* from(parts: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}

/** Splits a text into pieces of 1..3 characters, so every placeholder is cut somewhere. */
function shred(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0, n = 1; i < text.length; i += n, n = (n % 3) + 1) pieces.push(text.slice(i, i + n));
  return pieces;
}

describe('upstreamView', () => {
  test('a cloud model gets placeholders, a local model the original', () => {
    assert.ok(privacy?.cloudView);
    const cloud = upstreamView({ privacy, model: model('cloud'), request });
    const local = upstreamView({ privacy, model: model('local'), request });
    assert.equal(local.request, request);
    assert.equal(cloud.request.messages[0]?.content, 'Write to <EMAIL_1>, ship to:\n<ADDRESS_1>\n\nCard <CARD_1>.');
  });

  test('a whole answer is restored, tool arguments as JSON', () => {
    const cloud = upstreamView({ privacy, model: model('cloud'), request });
    const result: ChatResult = {
      id: 'x',
      model: 'm',
      text: 'Sent to <EMAIL_1>; <UNKNOWN_1> stays.',
      toolCalls: [{ id: 'c', type: 'function', function: { name: 'send', arguments: '{"to":"<ADDRESS_1>","card":"<CARD_1>"}' } }],
      finishReason: { unified: 'stop', raw: 'stop' },
    };
    const restored = cloud.restoreResult(result);
    assert.equal(restored.text, 'Sent to jane.doe@example.com; <UNKNOWN_1> stays.');
    assert.deepEqual(JSON.parse(restored.toolCalls[0]?.function.arguments ?? ''), { to: '221 Baker Street\nApt. 4\nLondon', card: '4111 1111 1111 1111' });
  });

  test('a stream cut into 1–3 character deltas is restored exactly: text, reasoning and tool arguments', async () => {
    const text = 'Mail <EMAIL_1> or <ADDRESS_1> about <CARD_1>. A < sign and <EMAIL_3> are not ours <EMAIL_1';
    const args = JSON.stringify({ to: '<ADDRESS_1>', note: 'card <CARD_1>' });
    const parts: StreamPart[] = [
      { type: 'start' },
      { type: 'reasoning-delta', text: 'They want <EMA' },
      { type: 'reasoning-delta', text: 'IL_1> kept.' },
      ...shred(text).map((t): StreamPart => ({ type: 'text-delta', text: t })),
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'send', argumentsDelta: '' },
      ...shred(args).map((a): StreamPart => ({ type: 'tool-call-delta', index: 0, argumentsDelta: a })),
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } },
    ];
    const out = await collect(restoreStream(from(parts), mapping));
    const shownText = out.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
    const shownArgs = out.map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
    assert.equal(shownText, 'Mail jane.doe@example.com or 221 Baker Street\nApt. 4\nLondon about 4111 1111 1111 1111. A < sign and <EMAIL_3> are not ours <EMAIL_1');
    assert.deepEqual(JSON.parse(shownArgs), { to: '221 Baker Street\nApt. 4\nLondon', note: 'card 4111 1111 1111 1111' });
    assert.equal(out.map((p) => (p.type === 'reasoning-delta' ? p.text : '')).join(''), 'They want jane.doe@example.com kept.');
    assert.equal(out.at(-1)?.type, 'finish');
    assert.equal(out.filter((p) => p.type === 'tool-call-delta' && p.id === 'call_1').length, 1);
  });
});
