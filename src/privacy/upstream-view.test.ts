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
/** The placeholder this request's mapping gave `value` (their tag is random per request). */
const ph = (value: string): string => [...mapping].find(([, v]) => v === value)?.[0] ?? `<no placeholder for ${value}>`;
const EMAIL = ph('jane.doe@example.com');
const ADDRESS = ph('221 Baker Street\nApt. 4\nLondon');
const CARD = ph('4111 1111 1111 1111');
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
    assert.equal(cloud.request.messages[0]?.content, `Write to ${EMAIL}, ship to:\n${ADDRESS}\n\nCard ${CARD}.`);
  });

  test("with nothing found, a cloud model still gets the end user's id hashed, answers untouched; a local model the original", async () => {
    const clean: ChatRequest = { ...request, messages: [{ role: 'user', content: 'Summarise remote work.' }], params: { user: 'jane.doe@example.com' } };
    const assessed = assessPrivacy({ request: clean, settings: { mode: 'local-only', threshold: 0.5 }, markedBecause: null });
    assert.equal(assessed?.action, 'none');
    const cloud = upstreamView({ privacy: assessed, model: model('cloud'), request: clean });
    assert.match(cloud.request.params.user ?? '', /^u-[0-9a-f]{32}$/);
    assert.deepEqual(cloud.request.messages, clean.messages);
    assert.equal(upstreamView({ privacy: assessed, model: model('local'), request: clean }).request, clean);
    const parts: StreamPart[] = [{ type: 'text-delta', text: 'jane' }];
    assert.deepEqual(await collect(cloud.restoreStream(from(parts))), parts);
  });

  test('a whole answer is restored, tool arguments as JSON', () => {
    const cloud = upstreamView({ privacy, model: model('cloud'), request });
    const result: ChatResult = {
      id: 'x',
      model: 'm',
      text: `Sent to ${EMAIL}; <UNKNOWN_1> stays.`,
      toolCalls: [{ id: 'c', type: 'function', function: { name: 'send', arguments: JSON.stringify({ to: ADDRESS, card: CARD }) } }],
      finishReason: { unified: 'stop', raw: 'stop' },
    };
    const restored = cloud.restoreResult(result);
    assert.equal(restored.text, 'Sent to jane.doe@example.com; <UNKNOWN_1> stays.');
    assert.deepEqual(JSON.parse(restored.toolCalls[0]?.function.arguments ?? ''), { to: '221 Baker Street\nApt. 4\nLondon', card: '4111 1111 1111 1111' });
  });

  test('a stream cut into 1–3 character deltas is restored exactly: text, reasoning and tool arguments', async () => {
    const text = `Mail ${EMAIL} or ${ADDRESS} about ${CARD}. A < sign and <EMAIL_3> are not ours <EMAIL_1`;
    const args = JSON.stringify({ to: ADDRESS, note: `card ${CARD}` });
    const parts: StreamPart[] = [
      { type: 'start' },
      { type: 'reasoning-delta', text: `They want ${EMAIL.slice(0, 4)}` },
      { type: 'reasoning-delta', text: `${EMAIL.slice(4)} kept.` },
      ...shred(text).map((t): StreamPart => ({ type: 'text-delta', text: t })),
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'send', argumentsDelta: '' },
      ...shred(args).map((a): StreamPart => ({ type: 'tool-call-delta', index: 0, argumentsDelta: a })),
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } },
    ];
    const out = await collect(restoreStream(from(parts), mapping));
    const shownText = out.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');
    const shownArgs = out.map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
    assert.equal(
      shownText,
      'Mail jane.doe@example.com or 221 Baker Street\nApt. 4\nLondon about 4111 1111 1111 1111. A < sign and <EMAIL_3> are not ours <EMAIL_1',
    );
    assert.deepEqual(JSON.parse(shownArgs), { to: '221 Baker Street\nApt. 4\nLondon', note: 'card 4111 1111 1111 1111' });
    assert.equal(out.map((p) => (p.type === 'reasoning-delta' ? p.text : '')).join(''), 'They want jane.doe@example.com kept.');
    assert.equal(out.at(-1)?.type, 'finish');
    assert.equal(out.filter((p) => p.type === 'tool-call-delta' && p.id === 'call_1').length, 1);
  });

  test('text the client typed that looks like a placeholder is never restored', () => {
    const typed: ChatRequest = {
      ...request,
      messages: [{ role: 'user', content: 'Mail jane.doe@example.com, then type <EMAIL_1> and <PERSON_1> and EMAIL_1.' }],
    };
    const a = assessPrivacy({ request: typed, settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null });
    const view = upstreamView({ privacy: a, model: model('cloud'), request: typed });
    const sent = String(view.request.messages[0]?.content);
    const placeholder = [...(a?.cloudView?.mapping ?? [])].find(([, v]) => v === 'jane.doe@example.com')?.[0];
    assert.match(placeholder ?? '', /^<EMAIL_1_[a-z0-9]{4}>$/);
    assert.ok(sent.includes(' <EMAIL_1> and <PERSON_1> and EMAIL_1.'), sent);
    // The model echoes everything it read: only the real placeholder comes back as the value.
    const echoed = view.restoreResult({ id: 'x', model: 'm', text: sent, toolCalls: [], finishReason: { unified: 'stop', raw: 'stop' } });
    assert.equal(echoed.text, typed.messages[0]?.content);
  });

  test('a placeholder the model wrote without its brackets is restored too (the tag makes it unambiguous)', () => {
    const cloud = upstreamView({ privacy, model: model('cloud'), request });
    const bare = EMAIL.slice(1, -1);
    const restored = cloud.restoreResult({
      id: 'x',
      model: 'm',
      text: `**${bare}** and \\<${bare}\\>`,
      toolCalls: [],
      finishReason: { unified: 'stop', raw: 'stop' },
    });
    assert.equal(restored.text, '**jane.doe@example.com** and \\<jane.doe@example.com\\>');
  });

  test('a private key restored into tool arguments stays escaped JSON, whole and streamed', async () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA7y0K9ZbqT1sN2xXw'.repeat(2)}\n${'q8Hc3Lw9RtYuP0aZ'.repeat(4)}\n-----END RSA PRIVATE KEY-----`;
    const withKey: ChatRequest = {
      ...request,
      messages: [
        { role: 'user', content: 'Store this key.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'store_key', arguments: JSON.stringify({ key: pem }) } }],
        },
      ],
    };
    const a = assessPrivacy({ request: withKey, settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null });
    const view = upstreamView({ privacy: a, model: model('cloud'), request: withKey });
    const sentArgs = view.request.messages[1]?.tool_calls?.[0]?.function.arguments ?? '';
    assert.ok(!sentArgs.includes('MIIEowIBAAKCAQEA'), sentArgs);
    const placeholder = (JSON.parse(sentArgs) as { key: string }).key;
    const echoArgs = JSON.stringify({ saved: placeholder });
    const whole = view.restoreResult({
      id: 'x',
      model: 'm',
      text: '',
      toolCalls: [{ id: 'c2', type: 'function', function: { name: 'store_key', arguments: echoArgs } }],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    });
    const wholeArgs = whole.toolCalls[0]?.function.arguments ?? '';
    assert.ok(!wholeArgs.includes('\n'), 'no raw newline inside the JSON text');
    assert.deepEqual(JSON.parse(wholeArgs), { saved: pem });
    const parts: StreamPart[] = [
      { type: 'tool-call-delta', index: 0, id: 'c2', name: 'store_key', argumentsDelta: '' },
      ...shred(echoArgs).map((d): StreamPart => ({ type: 'tool-call-delta', index: 0, argumentsDelta: d })),
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ];
    const out = await collect(view.restoreStream(from(parts)));
    const streamed = out.map((p) => (p.type === 'tool-call-delta' ? p.argumentsDelta : '')).join('');
    assert.ok(!streamed.includes('\n'));
    assert.deepEqual(JSON.parse(streamed), { saved: pem });
  });
});
