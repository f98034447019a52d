import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../spec/chat-request.js';
import { createPseudonymiser, createRestorer, placeholderTag, pseudonymiseRequest, restore, type PseudonymMapping } from './pseudonymise.js';

const request: Pick<ChatRequest, 'messages'> = {
  messages: [
    { role: 'system', content: 'Support agent. Escalations go to ops@example.com.' },
    { role: 'user', content: 'Hi, my name is Maria Gonzalez, mail maria@example.com or ops@example.com.' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"email":"maria@example.com","ip":"10.1.2.3"}' } }],
    },
    { role: 'user', content: [{ type: 'text', text: 'Also: Maria Gonzalez, card 4111 1111 1111 1111.' }] },
  ],
};

/** The request's random tag taken out of its placeholders, so expectations can name them: `<EMAIL_1_k7wz>` → `<EMAIL_1>`. */
const untag = (text: string): string => text.replace(/(<[A-Z][A-Z_]*_\d+)_[a-z0-9]{4}>/g, '$1>');
const untagged = <T>(value: T): T => JSON.parse(untag(JSON.stringify(value))) as T;

describe('pseudonymiseRequest', () => {
  const { request: tagged, mapping: taggedMapping } = pseudonymiseRequest(request);
  const out = untagged(tagged);
  const mapping = new Map([...taggedMapping].map(([k, v]) => [untag(k), v]));
  const serialised = JSON.stringify(out);

  test('no original value survives anywhere in the request', () => {
    for (const value of ['ops@example.com', 'maria@example.com', 'Maria Gonzalez', '10.1.2.3', '4111 1111 1111 1111']) {
      assert.ok(!serialised.includes(value), `${value} leaked`);
    }
  });

  test('the same value gets the same placeholder across messages, parts and tool arguments', () => {
    assert.equal(out.messages[0]?.content, 'Support agent. Escalations go to <EMAIL_1>.');
    assert.equal(out.messages[1]?.content, 'Hi, my name is <PERSON_1>, mail <EMAIL_2> or <EMAIL_1>.');
    assert.deepEqual(out.messages[3]?.content, [{ type: 'text', text: 'Also: <PERSON_1>, card <CARD_1>.' }]);
    assert.deepEqual(JSON.parse(out.messages[2]?.tool_calls?.[0]?.function.arguments ?? ''), { email: '<EMAIL_2>', ip: '<IP_1>' });
    assert.deepEqual(Object.fromEntries(mapping), {
      '<EMAIL_1>': 'ops@example.com',
      '<PERSON_1>': 'Maria Gonzalez',
      '<EMAIL_2>': 'maria@example.com',
      '<IP_1>': '10.1.2.3',
      '<CARD_1>': '4111 1111 1111 1111',
    });
  });

  test('leaves the caller’s request untouched', () => {
    assert.equal(request.messages[1]?.content, 'Hi, my name is Maria Gonzalez, mail maria@example.com or ops@example.com.');
  });

  test('restoring the pseudonymised text gives the original back', () => {
    assert.equal(restore(String(tagged.messages[1]?.content), taggedMapping), request.messages[1]?.content);
  });
});

describe('createPseudonymiser', () => {
  test('tool arguments stay valid JSON even when a value spans an escape', () => {
    const { request: out, mapping } = pseudonymiseRequest({
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'x', type: 'function', function: { name: 'ship', arguments: JSON.stringify({ to: '221 Baker Street\nApt. 4\nLondon' }) } }],
        },
      ],
    });
    const args = JSON.parse(out.messages[0]?.tool_calls?.[0]?.function.arguments ?? '') as { to: string };
    assert.match(args.to, /^<ADDRESS_1_[a-z0-9]{4}>$/);
    assert.equal(mapping.get(args.to), '221 Baker Street\nApt. 4\nLondon');
  });

  test('numbers placeholders per type', () => {
    const p = createPseudonymiser();
    assert.equal(p.pseudonymise('a@example.com b@example.com 192.168.0.1'), '<EMAIL_1> <EMAIL_2> <IP_1>');
    assert.equal(p.pseudonymise('again b@example.com'), 'again <EMAIL_2>');
  });
});

describe('createRestorer', () => {
  const mapping: PseudonymMapping = new Map([
    ['<EMAIL_1>', 'maria@example.com'],
    ['<PERSON_12>', 'Maria "M" Gonzalez'],
    ['<IP_1>', '10.1.2.3'],
  ]);
  const streamed = 'Dear <PERSON_12>, we wrote to <EMAIL_1> (not <EMAIL_9>) from <IP_1>. a<b and <EMA';
  const expected = 'Dear Maria "M" Gonzalez, we wrote to maria@example.com (not <EMAIL_9>) from 10.1.2.3. a<b and <EMA';

  function run(chunks: string[], restorer = createRestorer(mapping)): { text: string; outputs: string[] } {
    const outputs = chunks.map((c) => restorer.push(c));
    outputs.push(restorer.flush());
    return { text: outputs.join(''), outputs };
  }

  test('restores placeholders split at every possible position (two chunks)', () => {
    for (let i = 0; i <= streamed.length; i++) {
      assert.equal(run([streamed.slice(0, i), streamed.slice(i)]).text, expected, `split at ${i}`);
    }
  });

  test('restores placeholders split at every pair of positions (three chunks)', () => {
    for (let i = 0; i <= streamed.length; i++) {
      for (let j = i; j <= streamed.length; j++) {
        assert.equal(run([streamed.slice(0, i), streamed.slice(i, j), streamed.slice(j)]).text, expected, `split at ${i},${j}`);
      }
    }
  });

  test('restores one character at a time, and random chunkings', () => {
    assert.equal(run([...streamed]).text, expected);
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const chunks: string[] = [];
      for (let at = 0; at < streamed.length; ) {
        const size = 1 + Math.floor(random() * 12);
        chunks.push(streamed.slice(at, at + size));
        at += size;
      }
      assert.equal(run(chunks).text, expected);
    }
  });

  test('holds back only a possible placeholder prefix', () => {
    const { outputs } = run(['Hello <EM', 'AIL_1> and <b>bold</b> <', 'x']);
    assert.deepEqual(outputs, ['Hello ', 'maria@example.com and <b>bold</b> ', '<x', '']);
  });

  test('escapes restored values inside JSON string deltas', () => {
    const restorer = createRestorer(mapping, { jsonString: true });
    const json = run(['{"to":"<PERS', 'ON_12>"}'], restorer).text;
    assert.deepEqual(JSON.parse(json), { to: 'Maria "M" Gonzalez' });
  });

  test('an empty mapping passes text straight through', () => {
    assert.deepEqual(run(['a <EMAIL_1', '> b'], createRestorer(new Map())).outputs, ['a <EMAIL_1', '> b', '']);
  });
});

describe('pseudonymiseRequest across every carrier', () => {
  const full: Parameters<typeof pseudonymiseRequest>[0] = {
    messages: [
      { role: 'system', content: 'Escalations: ops-desk@example.com', name: 'maria_gonzalez' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'My card is 4111 1111' },
          { type: 'text', text: ' 1111 1111, mail ops-desk@example.com' },
        ],
      },
      { role: 'user', content: ' SSN 123-45' },
      { role: 'user', content: '-6789 thanks' },
    ],
    // (`user` is not pseudonymised but hashed, by assessPrivacy: upstream-user.ts.)
    params: {
      metadata: { note: 'card 4111 1111 1111 1111', 'ops-desk@example.com': 'owner' },
      stop: ['ops-desk@example.com'],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'Default contact ops-desk@example.com',
            parameters: { type: 'object', properties: { to: { type: 'string', description: 'like ops-desk@example.com' } }, required: ['to'] },
          },
        },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object', properties: { to: { type: 'string', const: 'ops-desk@example.com' } } } },
      },
    },
    extra: { prediction: { type: 'content', content: 'Sent to ops-desk@example.com' } },
  };
  const { request: out, mapping } = pseudonymiseRequest(full);
  const serialised = JSON.stringify(out);

  test('nothing found goes out in clear, in any field, and one value has one placeholder everywhere', () => {
    for (const value of ['ops-desk@example.com', '4111 1111', '1111 1111', '123-45', '6789', 'maria'])
      assert.ok(!serialised.includes(value), `${value} leaked: ${serialised}`);
    const email = [...mapping].find(([, v]) => v === 'ops-desk@example.com')?.[0] ?? '';
    assert.match(email, /^<EMAIL_1_[a-z0-9]{4}>$/);
    assert.equal(serialised.split(email).length - 1, 8, serialised);
  });

  test('a value cut in two becomes one placeholder where it starts; the other half is removed', () => {
    const card = [...mapping].find(([, v]) => v === '4111 1111 1111 1111')?.[0] ?? '';
    assert.ok(card, JSON.stringify([...mapping]));
    const parts = out.messages[1]?.content as Array<{ text: string }>;
    assert.equal(parts[0]?.text, `My card is ${card}`);
    assert.ok(parts[1]?.text.startsWith(', mail '), parts[1]?.text);
    assert.ok([...mapping.values()].includes('123-45-6789'), JSON.stringify([...mapping]));
  });

  test('a message name with a finding is left out (a placeholder is not a valid name); the original is untouched', () => {
    assert.equal(out.messages[0]?.name, undefined);
    assert.equal(full.messages[0]?.name, 'maria_gonzalez');
  });
});

describe('placeholderTag', () => {
  test('never picks a tag that occurs in the input', () => {
    let calls = 0;
    // The first candidate spells "bbbb", which the input holds; the next one is taken.
    const random = (): number => (calls++ < 4 ? 0 : 0.5);
    assert.equal(placeholderTag(['see <EMAIL_1_bbbb>'], random).length, 4);
    assert.notEqual(
      placeholderTag(
        ['see <EMAIL_1_bbbb>'],
        (() => {
          let n = 0;
          return () => (n++ < 4 ? 0 : 0.5);
        })(),
      ),
      'bbbb',
    );
  });
});
