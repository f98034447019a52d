import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerText, loggedConversation, requestTurns } from './logged-conversation.js';

test('OpenAI chat: messages with string or text-part content; developer reads as system', () => {
  const request = JSON.stringify({
    model: 'x',
    messages: [
      { role: 'developer', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi ' },
          { type: 'text', text: 'there' },
        ],
      },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Bye' },
    ],
  });
  const response = JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Bye!' } }] });
  assert.deepEqual(loggedConversation({ requestBody: request, responseBody: response }), {
    turns: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Bye' },
    ],
    answer: 'Bye!',
  });
});

test('Anthropic messages: system beside the messages, content blocks', () => {
  const request = JSON.stringify({ model: 'x', max_tokens: 10, system: 'Sys', messages: [{ role: 'user', content: [{ type: 'text', text: 'Q' }] }] });
  const response = JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'A' }] });
  assert.deepEqual(loggedConversation({ requestBody: request, responseBody: response }), {
    turns: [
      { role: 'system', content: 'Sys' },
      { role: 'user', content: 'Q' },
    ],
    answer: 'A',
  });
});

test('OpenAI responses: instructions and input (a string or messages); output messages', () => {
  assert.deepEqual(requestTurns(JSON.stringify({ model: 'x', instructions: 'I', input: 'Q' })), [
    { role: 'system', content: 'I' },
    { role: 'user', content: 'Q' },
  ]);
  assert.deepEqual(requestTurns(JSON.stringify({ model: 'x', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Q2' }] }] })), [
    { role: 'user', content: 'Q2' },
  ]);
  const output = {
    object: 'response',
    output: [{ type: 'reasoning' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A2' }] }],
  };
  assert.equal(answerText(JSON.stringify(output)), 'A2');
});

test('anything but text conversations is unreadable (null), never half a conversation', () => {
  assert.equal(requestTurns(null), null);
  assert.equal(requestTurns('not json'), null);
  assert.equal(requestTurns(JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] })), null);
  assert.equal(requestTurns(JSON.stringify({ messages: [{ role: 'tool', content: 'r', tool_call_id: 'c' }] })), null);
  assert.equal(requestTurns(JSON.stringify({ messages: [{ role: 'assistant', content: null, tool_calls: [] }] })), null);
  assert.equal(answerText(JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [{}] } }] })), null);
  assert.equal(answerText(JSON.stringify({ output: [{ type: 'function_call' }] })), null);
  assert.deepEqual(loggedConversation({ requestBody: JSON.stringify({ messages: [{ role: 'user', content: 'q' }] }), responseBody: null }), {
    turns: [{ role: 'user', content: 'q' }],
    answer: null,
  });
});
