import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { assessPrivacy, type PrivacySettings } from './assess-privacy.js';
import { PII_TYPES } from './pii-finding.js';

// PERSON is left out so these tests speak only of the cue guard, not of what the name model thinks.
const types = PII_TYPES.filter((t) => t !== 'PERSON');
const request = (content: string): ChatRequest => ({
  model: 'r',
  messages: [{ role: 'user', content }],
  stream: false,
  includeUsage: false,
  params: {},
  extra: {},
});
const assess = (content: string, settings: Partial<PrivacySettings>) =>
  assessPrivacy({ request: request(content), settings: { mode: 'local-only', threshold: 0.5, types, ...settings }, markedBecause: null });

test('on local-only, a cue next to an unrecognised identifier keeps the request local, without a value in the reason', () => {
  const a = assess('Here is my passport: ZX-99-8811-Q, please fill the form.', {});
  assert.equal(a?.action, 'local-only');
  assert.equal(a?.localOnly, true);
  assert.equal(a?.because, 'cue guard: passport cue next to an identifier');
  assert.deepEqual(a?.counts, {});
  assert.ok(!a?.because?.includes('8811'));
});

test('cue_guard off, another mode, or a cue with no identifier: the request may go to the cloud', () => {
  assert.equal(assess('Here is my passport: ZX-99-8811-Q', { cueGuard: false })?.action, 'none');
  assert.equal(assess('Here is my passport: ZX-99-8811-Q', { mode: 'pseudonymise' })?.action, 'none');
  assert.equal(assess('How do I renew my passport?', {})?.action, 'none');
});

test('a bare tool-argument value is guarded by its field name', () => {
  const req: ChatRequest = {
    ...request('Fill the visa form.'),
    messages: [
      { role: 'user', content: 'Fill the visa form.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'fill_form', arguments: '{"passport_no": "ZX-99-8811-Q"}' } }],
      },
    ],
  };
  const a = assessPrivacy({ request: req, settings: { mode: 'local-only', threshold: 0.5, types }, markedBecause: null });
  assert.equal(a?.action, 'local-only');
});
