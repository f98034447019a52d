import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '../spec/chat-request.js';
import { compileTaskSpec } from './task-spec.js';

const user = (content: string): ChatMessage => ({ role: 'user', content });

test('the input is the last user message with the prompt template stripped', () => {
  const spec = compileTaskSpec({ prompt_template: 'Classify this banking query:\n{input}\nAnswer with the intent only.', label: { from: 'answer' } });
  const messages = [
    user('earlier'),
    { role: 'assistant' as const, content: 'x' },
    user('Classify this banking query:\n  my card has not arrived \nAnswer with the intent only.'),
  ];
  assert.equal(spec.input({ messages }), 'my card has not arrived');
  assert.equal(spec.input({ messages: [user('no template here')] }), 'no template here', 'a message without the template is the input as it is');
  assert.equal(spec.input({ messages: [{ role: 'system', content: 'sys' }] }), '');
});

test('labels: whole answer, JSON field, regex; a fixed set matches case-insensitively and refuses others', () => {
  const whole = compileTaskSpec({ labels: ['card_arrival', 'lost_card'], label: { from: 'answer' } });
  assert.equal(whole.label('  Card_Arrival\n'), 'card_arrival');
  assert.equal(whole.label('something else'), null);
  assert.equal(whole.answer('lost_card'), 'lost_card');

  const json = compileTaskSpec({ label: { from: 'json', field: 'intent' } });
  assert.equal(json.label('```json\n{"intent": "lost_card", "why": "x"}\n```'), 'lost_card');
  assert.equal(json.label('{"intent": 3}'), null);
  assert.equal(json.label('not json'), null);
  assert.deepEqual(JSON.parse(json.answer('lost_card')), { intent: 'lost_card' });

  const regex = compileTaskSpec({ label: { from: 'regex', pattern: 'Intent: (\\w+)', answer_template: 'Intent: {label}' } });
  assert.equal(regex.label('Sure. Intent: refund_request.'), 'refund_request');
  assert.equal(regex.label('no idea'), null);
  assert.equal(regex.answer('refund_request'), 'Intent: refund_request');
  assert.equal(regex.label(regex.answer('x_y')), 'x_y', "the student's answer reads back as its label");
});

test('an open label set refuses empty and overlong answers', () => {
  const spec = compileTaskSpec({ label: { from: 'answer' } });
  assert.equal(spec.label('   '), null);
  assert.equal(spec.label('x'.repeat(201)), null);
  assert.equal(spec.label('new_label'), 'new_label');
});
