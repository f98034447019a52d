import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../spec/errors.js';
import { newKeyInputSchema } from '../governance/key-admin.js';
import { requestIssueToError } from './describe-request-issue.js';
import { parseChatRequestWithSchema } from './openai-chat/parse-chat-request.js';

const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const user = (content: unknown): Record<string, unknown> => ({ ...base, messages: [{ role: 'user', content }] });

function errorFor(body: unknown): GatewayError {
  try {
    parseChatRequestWithSchema(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

const cases: Array<[string, unknown, string, string, string]> = [
  ['a missing field', { ...base, model: undefined }, 'model', 'missing_required_parameter', "Missing required parameter: 'model'."],
  [
    'a missing role',
    { ...base, messages: [{ content: 'x' }] },
    'messages[0].role',
    'missing_required_parameter',
    "Missing required parameter: 'messages[0].role'.",
  ],
  [
    'a wrong type',
    { ...base, temperature: 'hot' },
    'temperature',
    'invalid_type',
    `Invalid type for 'temperature': expected a number, but got a string ("hot") instead.`,
  ],
  [
    'a decimal for an integer',
    { ...base, max_tokens: 1.5 },
    'max_tokens',
    'invalid_type',
    "Invalid type for 'max_tokens': expected an integer, but got a decimal number (1.5) instead.",
  ],
  [
    'a number out of range',
    { ...base, temperature: 9 },
    'temperature',
    'invalid_value',
    "Invalid value for 'temperature': expected a number at most 2, but got 9.",
  ],
  [
    'an unknown role',
    { ...base, messages: [{ role: 'robot', content: 'x' }] },
    'messages[0].role',
    'invalid_value',
    `Invalid value for 'messages[0].role': "robot". Supported values are: "system", "developer", "user", "assistant" and "tool".`,
  ],
  [
    'an unknown response format',
    { ...base, response_format: { type: 'xml' } },
    'response_format.type',
    'invalid_value',
    `Invalid value for 'response_format.type': "xml". Supported values are: "text", "json_object" and "json_schema".`,
  ],
  ['a field of its own message', { ...base, n: 3 }, 'n', 'invalid_value', "Invalid value for 'n': n > 1 is not supported."],
  [
    'an empty messages array',
    { ...base, messages: [] },
    'messages',
    'invalid_value',
    "Invalid value for 'messages': messages must contain at least one message.",
  ],
  // Unions: zod says only "Invalid input"; the message lists what each alternative accepts...
  [
    'a tool_choice of no accepted kind',
    { ...base, tool_choice: 'sometimes' },
    'tool_choice',
    'invalid_value',
    `Invalid value for 'tool_choice': expected "none", "auto", "required" or an object, but got a string ("sometimes").`,
  ],
  [
    'content of no accepted kind',
    user(5),
    'messages[0].content',
    'invalid_value',
    `Invalid value for 'messages[0].content': expected a string or an array of content parts ({"type": "text", "text"} or {"type": "image_url", "image_url": {"url"}}), but got an integer (5).`,
  ],
  // ... or names the field inside the alternative the value was meant for.
  [
    'a text part without text',
    user([{ type: 'text', text: 5 }]),
    'messages[0].content[0].text',
    'invalid_type',
    "Invalid type for 'messages[0].content[0].text': expected a string, but got an integer (5) instead.",
  ],
  [
    'an image part with a bad detail',
    user([{ type: 'image_url', image_url: { url: 'x', detail: 'max' } }]),
    'messages[0].content[0].image_url.detail',
    'invalid_value',
    `Invalid value for 'messages[0].content[0].image_url.detail': "max". Supported values are: "auto", "low" and "high".`,
  ],
  [
    'a tool_choice object without its function',
    { ...base, tool_choice: { type: 'function' } },
    'tool_choice.function',
    'missing_required_parameter',
    "Missing required parameter: 'tool_choice.function'.",
  ],
  [
    'one stop too many',
    { ...base, stop: ['a', 'b', 'c', 'd', 'e'] },
    'stop',
    'invalid_value',
    "Invalid value for 'stop': expected an array with at most 4 items, but got 5.",
  ],
  [
    'a stop that is not text',
    { ...base, stop: ['a', 5] },
    'stop[1]',
    'invalid_type',
    "Invalid type for 'stop[1]': expected a string, but got an integer (5) instead.",
  ],
];

for (const [name, body, param, code, message] of cases) {
  test(`${name}: ${message}`, () => {
    const error = errorFor(body);
    assert.equal(error.status, 400);
    assert.equal(error.param, param);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
  });
}

test('other content part types still pass through untouched', () => {
  const request = parseChatRequestWithSchema(user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }]));
  assert.deepEqual(request.messages[0]?.content, [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }]);
});

test('an unknown key in a strict object is named, with the object it sits in', () => {
  const body = { name: 'ci', limits: { requests_per_minute: 5, request_per_day: 9 } };
  const parsed = newKeyInputSchema.safeParse(body);
  assert.equal(parsed.success, false);
  if (parsed.success) return;
  const error = requestIssueToError(parsed.error, body);
  assert.equal(error.param, 'limits.request_per_day');
  assert.equal(error.code, 'unknown_parameter');
  assert.equal(error.message, "Unrecognized request argument supplied in 'limits': request_per_day.");
});
