import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { assessPrivacy, formatCounts, privacyHeaders } from './assess-privacy.js';
import { upstreamUserId } from './upstream-user.js';

const req = (content: string): ChatRequest => ({
  model: 'r',
  messages: [{ role: 'user', content }],
  stream: false,
  includeUsage: false,
  params: {},
  extra: {},
});
const PII = req('Mail bob@example.com, SSN 123-45-6789, or bob@example.com again.');

describe('assessPrivacy', () => {
  test('each mode turns the same findings into its action', () => {
    const actions = (['detect', 'local-only', 'pseudonymise', 'block'] as const).map((mode) => {
      const a = assessPrivacy({ request: PII, settings: { mode, threshold: 0.5 }, markedBecause: null });
      return [a?.action, a?.localOnly, a?.cloudView !== undefined];
    });
    assert.deepEqual(actions, [
      ['detected', false, false],
      ['local-only', true, false],
      ['pseudonymised', false, true],
      ['blocked', true, false],
    ]);
  });

  test('counts by type, in a fixed order, and says why without values', () => {
    const a = assessPrivacy({ request: PII, settings: { mode: 'local-only', threshold: 0.5 }, markedBecause: null });
    assert.deepEqual(a?.counts, { EMAIL_ADDRESS: 2, US_SSN: 1 });
    assert.equal(a?.because, 'found EMAIL_ADDRESS=2,US_SSN=1');
    assert.deepEqual(privacyHeaders(a), { 'x-tandem-privacy': 'local-only; EMAIL_ADDRESS=2,US_SSN=1' });
    assert.equal(formatCounts({ US_SSN: 1, API_KEY: 3 }), 'API_KEY=3,US_SSN=1');
  });

  test('the client’s marking keeps a request local in every mode but block; without settings only it counts', () => {
    const marked = (mode: 'detect' | 'pseudonymise' | 'block', request = PII) =>
      assessPrivacy({ request, settings: { mode, threshold: 0.5 }, markedBecause: 'header x-tandem-sensitive' })?.action;
    assert.deepEqual(
      [marked('detect'), marked('pseudonymise'), marked('block'), marked('block', req('hello'))],
      ['local-only', 'local-only', 'blocked', 'local-only'],
    );
    assert.equal(assessPrivacy({ request: PII, settings: undefined, markedBecause: null }), undefined);
    assert.deepEqual(assessPrivacy({ request: PII, settings: undefined, markedBecause: 'metadata.sensitive' })?.findings, []);
  });

  test('a request without findings is "none" and is never rewritten', () => {
    const a = assessPrivacy({ request: req('What is the capital of France?'), settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null });
    assert.deepEqual([a?.action, a?.localOnly, a?.cloudView], ['none', false, undefined]);
    assert.deepEqual(privacyHeaders(a), { 'x-tandem-privacy': 'none' });
  });

  test('a finding in any field counts: local-only keeps the request local', () => {
    const clean = req('Summarise the attached notes.');
    const variants: Array<[string, ChatRequest]> = [
      ['name', { ...clean, messages: [{ role: 'user', content: 'hello', name: 'maria_gonzalez' }] }],
      ['metadata', { ...clean, params: { metadata: { ticket: 'SSN 123-45-6789' } } }],
      ['stop', { ...clean, params: { stop: ['4111 1111 1111 1111'] } }],
      ['prediction', { ...clean, extra: { prediction: { type: 'content', content: 'reply to ops-desk@example.com' } } }],
      [
        'image url',
        { ...clean, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://cdn.example.com/ops-desk@example.com.png' } }] }] },
      ],
    ];
    for (const [carrier, request] of variants) {
      const a = assessPrivacy({ request, settings: { mode: 'local-only', threshold: 0.5 }, markedBecause: null });
      assert.equal(a?.localOnly, true, carrier);
    }
    assert.equal(assessPrivacy({ request: clean, settings: { mode: 'local-only', threshold: 0.5 }, markedBecause: null })?.localOnly, false);
  });

  test("on every mode a cloud model gets the end user's id as a keyed hash, stable per user and key; detection ignores it", () => {
    const withUser = (user: string): ChatRequest => ({ ...req('Summarise the attached notes.'), params: { user }, extra: { safety_identifier: user } });
    const key = 'a-configured-user-key-0123456789';
    for (const mode of ['detect', 'local-only', 'pseudonymise'] as const) {
      const a = assessPrivacy({ request: withUser('ops-desk@example.com'), settings: { mode, threshold: 0.5, userKey: key }, markedBecause: null });
      // An e-mail address in `user` is no finding: it never reaches a cloud model, so it need not keep the request local.
      assert.deepEqual([a?.action, a?.localOnly], ['none', false], mode);
      const sent = a?.cloudView?.request;
      assert.equal(sent?.params.user, upstreamUserId('ops-desk@example.com', key), mode);
      assert.equal(sent?.extra.safety_identifier, upstreamUserId('ops-desk@example.com', key), mode);
      assert.ok(!JSON.stringify(sent).includes('ops-desk'), mode);
    }
    assert.match(upstreamUserId('ops-desk@example.com', key), /^u-[0-9a-f]{32}$/);
    assert.notEqual(upstreamUserId('ops-desk@example.com', key), upstreamUserId('ops-desk@example.org', key));
    assert.notEqual(upstreamUserId('ops-desk@example.com', key), upstreamUserId('ops-desk@example.com', `${key}!`));
    // Without a key: a random one per process, the same for every request.
    const a = assessPrivacy({ request: withUser('jane'), settings: { mode: 'local-only', threshold: 0.5 }, markedBecause: null });
    const b = assessPrivacy({ request: withUser('jane'), settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null });
    assert.equal(a?.cloudView?.request.params.user, b?.cloudView?.request.params.user);
    assert.notEqual(a?.cloudView?.request.params.user, upstreamUserId('jane', key));
    // Pseudonymised, the placeholder copy carries the hash too.
    const p = assessPrivacy({
      request: { ...withUser('jane'), messages: [{ role: 'user', content: 'Mail jane@example.com' }] },
      settings: { mode: 'pseudonymise', threshold: 0.5, userKey: key },
      markedBecause: null,
    });
    assert.equal(p?.action, 'pseudonymised');
    assert.equal(p?.cloudView?.request.params.user, upstreamUserId('jane', key));
    assert.ok(!JSON.stringify(p?.cloudView?.request).includes('jane@example.com'));
  });

  test('pseudonymise keeps a request local when a finding sits where no placeholder can stand (an image URL)', () => {
    const request: ChatRequest = {
      ...req('x'),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://cdn.example.com/ops-desk@example.com.png' } },
            { type: 'text', text: 'who is this?' },
          ],
        },
      ],
    };
    const a = assessPrivacy({ request, settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null });
    assert.deepEqual([a?.action, a?.localOnly], ['local-only', true]);
    // The placeholder copy still exists, for the request log.
    assert.ok(!JSON.stringify(a?.cloudView?.request).includes('ops-desk@example.com'));
  });
});
