import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../spec/chat-request.js';
import { createPseudonymiser, createRestorer, pseudonymiseRequest, restore, type PseudonymMapping } from './pseudonymise.js';

const request: Pick<ChatRequest, 'messages'> = {
  messages: [
    { role: 'system', content: 'Support agent. Escalations go to ops@example.com.' },
    { role: 'user', content: 'Hi, my name is Maria Gonzalez, mail maria@example.com or ops@example.com.' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"email":"maria@example.com","ip":"10.1.2.3"}' } }] },
    { role: 'user', content: [{ type: 'text', text: 'Also: Maria Gonzalez, card 4111 1111 1111 1111.' }] },
  ],
};

describe('pseudonymiseRequest', () => {
  const { request: out, mapping } = pseudonymiseRequest(request);
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
    assert.equal(restore(String(out.messages[1]?.content), mapping), request.messages[1]?.content);
  });
});

describe('createPseudonymiser', () => {
  test('tool arguments stay valid JSON even when a value spans an escape', () => {
    const { request: out, mapping } = pseudonymiseRequest({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'ship', arguments: JSON.stringify({ to: '221 Baker Street\nApt. 4\nLondon' }) } }] }],
    });
    const args = JSON.parse(out.messages[0]?.tool_calls?.[0]?.function.arguments ?? '') as { to: string };
    assert.equal(args.to, '<ADDRESS_1>');
    assert.equal(mapping.get('<ADDRESS_1>'), '221 Baker Street\nApt. 4\nLondon');
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
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
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
