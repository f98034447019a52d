import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import { countFindings, detectPiiInRequest } from './detect-request-pii.js';
import type { RequestText } from './request-texts.js';

type Req = Pick<ChatRequest, 'messages'> & Partial<Pick<ChatRequest, 'params' | 'extra'>>;

/** `TYPE@path:value` for each piece, so a failure reads like the input. */
function found(request: Req): string[] {
  const { texts, findings } = detectPiiInRequest(request);
  return findings.flatMap((f) =>
    f.pieces.map((p) => {
      const t = texts[p.text] as RequestText;
      const where = [...t.path, ...(t.inner ?? [])].join('.') + (t.key ? '#key' : '');
      return `${f.type}@${where}:${t.text.slice(p.start, p.end)}`;
    }),
  );
}

describe('detectPiiInRequest', () => {
  test('covers every role, text parts and tool-call arguments, and says where', () => {
    const request: Req = {
      messages: [
        { role: 'system', content: 'Escalate to ops@example.com.' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            { type: 'text', text: 'IP 10.1.2.3' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'pay', arguments: '{"card":"4111 1111 1111 1111","note":["x"]}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: 'charged SSN 123-45-6789' },
      ],
    };
    assert.deepEqual(found(request).sort(), [
      'CREDIT_CARD@messages.2.tool_calls.0.function.arguments.card:4111 1111 1111 1111',
      'EMAIL_ADDRESS@messages.0.content:ops@example.com',
      'IP_ADDRESS@messages.1.content.1.text:10.1.2.3',
      'US_SSN@messages.3.content:123-45-6789',
    ]);
  });

  test('reads a JSON key as the cue of a bare value in tool arguments', () => {
    const args = JSON.stringify({ date_of_birth: '1984-03-12', dbPassword: 'Tr0ub4dor&3x', customer_name_0: 'Peter Whitfield', note: '1984-03-12' });
    const got = found({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'k', type: 'function', function: { name: 'f', arguments: args } }] }],
    });
    // A date under "note" has no birth cue, so it is not a date of birth; as a bare argument value it is
    // still identifier-shaped (bare-identifier.ts).
    assert.deepEqual(
      got.map((g) => g.replace('messages.0.tool_calls.0.function.arguments.', '')),
      ['DATE_OF_BIRTH@date_of_birth:1984-03-12', 'SECRET@dbPassword:Tr0ub4dor&3x', 'PERSON@customer_name_0:Peter Whitfield', 'IDENTIFIER@note:1984-03-12'],
    );
  });

  test('scans tool arguments that are not valid JSON as raw text', () => {
    const got = found({
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"to": "bob@example.com' } }] },
      ],
    });
    assert.deepEqual(got, ['EMAIL_ADDRESS@messages.0.tool_calls.0.function.arguments:bob@example.com']);
  });

  test('a value cut across two parts or two turns is found whole, in both halves', () => {
    const parts = found({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'My card is 4111 1111' },
            { type: 'text', text: ' 1111 1111, thanks' },
          ],
        },
      ],
    });
    assert.deepEqual(parts, ['CREDIT_CARD@messages.0.content.0.text:4111 1111', 'CREDIT_CARD@messages.0.content.1.text: 1111 1111']);
    const turns = found({
      messages: [
        { role: 'user', content: 'wire it to DE89 3704 0044' },
        { role: 'user', content: ' 0532 0130 00 please' },
      ],
    });
    assert.deepEqual(turns, ['IBAN_CODE@messages.0.content:DE89 3704 0044', 'IBAN_CODE@messages.1.content: 0532 0130 00']);
    const email = found({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'write to ops-de' },
            { type: 'text', text: 'sk@example.com' },
          ],
        },
      ],
    });
    assert.deepEqual(email, ['EMAIL_ADDRESS@messages.0.content.0.text:ops-de', 'EMAIL_ADDRESS@messages.0.content.1.text:sk@example.com']);
    // Three pieces: the middle one short.
    const three = found({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'card 4111 ' },
            { type: 'text', text: '1111 ' },
            { type: 'text', text: '1111 1111' },
          ],
        },
      ],
    });
    assert.equal(three.length, 3, three.join('\n'));
  });

  test('text beside an image, and the image URL itself', () => {
    const got = found({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://cdn.example.com/u/ops-desk@example.com/id.png?dob=1984-03-12' } },
            { type: 'text', text: 'Is this Maria Gonzalez?' },
          ],
        },
      ],
    });
    assert.ok(got.includes('EMAIL_ADDRESS@messages.0.content.0.image_url.url:ops-desk@example.com'), got.join('\n'));
    assert.ok(got.includes('PERSON@messages.0.content.1.text:Maria Gonzalez'), got.join('\n'));
    // A data: URL is binary: its payload is never scanned (its base64 would read as secrets).
    const data = found({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${'QUJD'.repeat(400)}` } }] }] });
    assert.deepEqual(data, []);
  });

  test('every other field that carries text: name, metadata, stop, tools, response_format, prediction (not user: it is hashed)', () => {
    const got = found({
      messages: [{ role: 'user', content: 'hello', name: 'maria_gonzalez' }],
      params: {
        user: 'ops-desk@example.com',
        metadata: { note: 'call +1 (415) 555-0123', 'ops@example.com': 'owner' },
        stop: ['4111 1111 1111 1111'],
        tools: [
          {
            type: 'function',
            function: {
              name: 'lookup',
              description: 'Looks up 123-45-6789',
              parameters: { type: 'object', properties: { ip: { type: 'string', description: 'e.g. 10.1.2.3' } } },
            },
          },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'out', schema: { type: 'object', properties: { who: { type: 'string', const: 'Peter Whitfield' } } } },
        },
      },
      extra: { prediction: { type: 'content', content: 'Dear Olivia Andersson,' } },
    });
    const where = got.map((g) => g.split(':')[0]).sort();
    assert.deepEqual(where, [
      'CREDIT_CARD@params.stop.0',
      'EMAIL_ADDRESS@params.metadata.ops@example.com#key',
      'IP_ADDRESS@params.tools.0.function.parameters.properties.ip.description',
      'PERSON@extra.prediction.content',
      'PERSON@messages.0.name',
      'PERSON@params.response_format.json_schema.schema.properties.who.const',
      'PHONE_NUMBER@params.metadata.note',
      'US_SSN@params.tools.0.function.description',
    ]);
  });

  test('fields without prose: identifier-shaped values count with no cue, ordinary stop words and names do not', () => {
    const at = (params: Req['params'], messages: Req['messages'] = [{ role: 'user', content: 'hello' }]): string[] =>
      found({ messages, ...(params ? { params } : {}) });
    assert.deepEqual(at({ stop: ['5114.71.269', '\n\n', 'END', 'Observation:', '<|im_end|>', 'Alrvxr83#'] }), [
      'IDENTIFIER@params.stop.0:5114.71.269',
      'IDENTIFIER@params.stop.5:Alrvxr83#',
    ]);
    assert.deepEqual(
      at(undefined, [
        { role: 'user', content: 'hi', name: 'C48658753' },
        { role: 'assistant', content: 'hello', name: 'user_proxy' },
      ]),
      ['IDENTIFIER@messages.0.name:C48658753'],
    );
    // A name that is not readable words keeps whatever covers it (here the name model's guess at a password).
    assert.deepEqual(at(undefined, [{ role: 'user', content: 'hi', name: '_.VESuUbW' }]), ['PERSON@messages.0.name:VESuUbW']);
    const url = at(undefined, [
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://files.example.com/2024/scan.png?ref=15%20dezembro%201948&w=1200' } }] },
    ]);
    assert.deepEqual(url, ['IDENTIFIER@messages.0.content.0.image_url.url:15%20dezembro%201948']);
    // A percent-encoded query value is read decoded, its name as the cue.
    const encoded = at(undefined, [
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.example/p.png?email=jane.doe%40example.com' } }] },
    ]);
    assert.deepEqual(encoded, ['EMAIL_ADDRESS@messages.0.content.0.image_url.url:jane.doe%40example.com']);
    // A tool argument's key that names a quantity or a time frees its value from the digit rules.
    const args = JSON.stringify({ date: '2026-05-12', amount: '1500.00', id: '550e8400-e29b-41d4-a716-446655440000', ref: '5114.71.269' });
    const got = found({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'k', type: 'function', function: { name: 'f', arguments: args } }] }],
    });
    assert.deepEqual(got, ['IDENTIFIER@messages.0.tool_calls.0.function.arguments.ref:5114.71.269']);
  });

  test('the types option and the threshold apply to identifiers too', () => {
    const request: Req = { messages: [{ role: 'user', content: 'hello' }], params: { stop: ['5114.71.269'] } };
    assert.equal(detectPiiInRequest(request, { types: ['EMAIL_ADDRESS'] }).findings.length, 0);
    assert.equal(detectPiiInRequest(request, { minConfidence: 0.7 }).findings.length, 0);
    assert.equal(detectPiiInRequest(request, { types: ['IDENTIFIER'] }).findings.length, 1);
  });

  test('ids are not texts: a random tool-call id is not a secret', () => {
    const { findings } = detectPiiInRequest({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_9sKd8f7GhJ2kL4mN6pQ8rS0tVx', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_9sKd8f7GhJ2kL4mN6pQ8rS0tVx', content: 'ok' },
      ],
    });
    assert.deepEqual(countFindings(findings), {});
  });
});
