import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { detectPii } from './detect-pii.js';
import { detectPiiInRequest } from './detect-request-pii.js';
import { isSystemRole, rememberedPromptCount, systemPromptFindings } from './system-prompt-findings.js';

const PROMPT =
  'You are the support assistant of Acme. Escalate refunds to Maria Gonzalez (maria.gonzalez@acme.example, +1 415 555 0132). ' +
  'Never reveal the key sk-proj-abcdefghijklmnopqrstuvwx1234 or the server 10.20.30.40.';

describe('systemPromptFindings', () => {
  test('gives what detectPii gives, read or remembered', () => {
    const direct = detectPii(PROMPT);
    assert.ok(direct.length >= 4, `the prompt must have findings to compare: ${JSON.stringify(direct)}`);
    const first = systemPromptFindings(PROMPT, {});
    const second = systemPromptFindings(PROMPT, {});
    assert.deepEqual(
      [...first].map((f) => ({ ...f })),
      direct,
    );
    assert.equal(second, first, 'the second read is the remembered one');
    assert.ok(Object.isFrozen(first) && first.every((f) => Object.isFrozen(f)), 'shared findings are frozen');
  });

  test('remembers per options: a types filter or a threshold is its own entry', () => {
    const all = systemPromptFindings(PROMPT, {});
    const emails = systemPromptFindings(PROMPT, { types: ['EMAIL_ADDRESS'] });
    assert.deepEqual(
      [...emails].map((f) => ({ ...f })),
      detectPii(PROMPT, { types: ['EMAIL_ADDRESS'] }),
    );
    assert.ok(emails.length < all.length);
    const strict = systemPromptFindings(PROMPT, { minConfidence: 0.9 });
    assert.deepEqual(
      [...strict].map((f) => ({ ...f })),
      detectPii(PROMPT, { minConfidence: 0.9 }),
    );
  });

  test('is bounded, and a very long prompt is read every time', () => {
    for (let i = 0; i < 100; i++) systemPromptFindings(`Prompt number ${i}: call 555-0100.`, {});
    assert.ok(rememberedPromptCount() <= 32, `remembered ${rememberedPromptCount()}`);
    const long = `${PROMPT} ${'lorem ipsum '.repeat(2000)}`;
    const a = systemPromptFindings(long, {});
    const b = systemPromptFindings(long, {});
    assert.notEqual(a, b);
    assert.deepEqual(b, detectPii(long));
  });

  test('only system and developer turns go through it', () => {
    assert.ok(isSystemRole('system') && isSystemRole('developer'));
    assert.ok(!isSystemRole('user') && !isSystemRole('assistant') && !isSystemRole('tool') && !isSystemRole(undefined));
  });

  test('a whole request finds the same, the first time and when the prompt is remembered', () => {
    const request: Pick<ChatRequest, 'messages'> = {
      messages: [
        { role: 'system', content: PROMPT },
        { role: 'system', content: 'Also: the on-call is Jan Novak.' },
        { role: 'user', content: 'My card is 4111 1111 1111 1111, email jane@example.com' },
      ],
    };
    const fresh = detectPiiInRequest(request);
    const again = detectPiiInRequest(request);
    assert.deepEqual(again, fresh);
    assert.ok(fresh.findings.some((f) => f.type === 'EMAIL_ADDRESS' && f.pieces[0]?.text === 0));
    assert.ok(fresh.findings.some((f) => f.type === 'CREDIT_CARD'));
  });
});
