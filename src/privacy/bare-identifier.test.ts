import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bareIdentifierSpans, identifierShaped, urlParts } from './bare-identifier.js';

describe('identifierShaped', () => {
  test('numbers, dates and password shapes that no detector reads without a cue', () => {
    for (const value of [
      '848 74 2647',
      '5/8/1954',
      '27.02.2012',
      '1940/10/17',
      'S9468574',
      'C48658753',
      '85ES11089',
      'AJUKHUD02',
      '5114.71.269',
      '137226535',
      '21/50106527',
      '23. Oktober 1989',
      'March 18, 2006',
      'Dec. 26 1989',
      '6 de julio de 1991',
      'Alrvxr83#',
      ',?N0hCcbm',
      'QwErTy!?',
      ']%?AmAYyzP',
      '[UGRNeDaEDdcj',
    ]) {
      assert.equal(identifierShaped(value), true, value);
    }
  });

  test('ordinary stop sequences, participant names and words are not', () => {
    const stops = [
      '\n\n',
      'END',
      'Observation:',
      '\nObservation:',
      '</s>',
      '<|im_end|>',
      '<|eot_id|>',
      '<|endoftext|>',
      'Human:',
      '\n\nHuman:',
      '###',
      '```',
      '[/INST]',
      '[END]',
      'STOP',
      'Final Answer:',
      'END_OF_TURN',
      '</answer>',
      'Step 3:',
      '\n1.',
      '<end_of_turn>',
      '"}',
    ];
    const names = [
      'example_user',
      'user_proxy',
      'Planner2',
      'gpt-4o',
      'agent_12',
      'GPT4',
      'claude-3-5-sonnet',
      'SQL_Agent',
      'web-surfer',
      'OpenAI',
      "McDonald's",
    ];
    for (const value of [
      ...stops,
      ...names,
      'San Francisco, CA',
      "Is there any nearby ATM's?",
      'celsius',
      'weather tomorrow',
      'at 10:30',
      'costs $12500',
      '40%',
    ])
      assert.equal(identifierShaped(value), false, JSON.stringify(value));
  });

  test('prose is left to the detectors', () => {
    assert.equal(identifierShaped('please call me back at 848 74 2647 tomorrow'), false);
  });

  test('a key naming a quantity, time or size frees a value from the digit rules, not from the password shape', () => {
    assert.equal(identifierShaped('2026-05-12', 'departure_date'), false);
    assert.equal(identifierShaped('2026-05-12', 'note'), true);
    assert.equal(identifierShaped('1500.00', 'amount'), false);
    assert.equal(identifierShaped('1984-03-12', 'birth_date'), true);
    assert.equal(identifierShaped('Alrvxr83#', 'page'), true);
  });

  test('random tokens (UUIDs, hashes) are pseudonymous, not identifiers of a person', () => {
    assert.equal(identifierShaped('550e8400-e29b-41d4-a716-446655440000'), false);
    assert.equal(identifierShaped('a3f5c9e1b2d4e6f78901'), false);
    // A long number without letters is not a hash.
    assert.equal(identifierShaped('4111111111111111111'), true);
  });
});

describe('urlParts and bareIdentifierSpans on a URL', () => {
  test('path segments, query values (decoded, with their names) and the fragment, with offsets into the URL', () => {
    const url = 'https://cdn.example.com/u/a%20b.png?ref=15%20dezembro%201948&w=1200#top';
    const parts = urlParts(url);
    assert.deepEqual(
      parts.map((p) => [url.slice(p.start, p.end), p.value, p.key ?? null]),
      [
        ['u', 'u', null],
        ['a%20b.png', 'a b.png', null],
        ['15%20dezembro%201948', '15 dezembro 1948', 'ref'],
        ['1200', '1200', 'w'],
        ['top', 'top', null],
      ],
    );
    assert.deepEqual(
      bareIdentifierSpans(url, 'url').map((s) => url.slice(s.start, s.end)),
      ['15%20dezembro%201948'],
    );
  });

  test('a value cut by an unescaped `#`, `&` or `+` is read whole too', () => {
    for (const [url, expected] of [
      ['https://files.example.com/scan.png?ref=Xyplvz11#', 'Xyplvz11#'],
      ['https://files.example.com/scan.png?ref=CcX0*#1Oda', 'CcX0*#1Oda'],
      ['https://files.example.com/scan.png?ref=HfjT[&tqzYGw', 'HfjT[&tqzYGw'],
      ['https://files.example.com/scan.png?ref=ISMy.!+auaJe', 'ISMy.!+auaJe'],
    ] as const) {
      assert.deepEqual(
        bareIdentifierSpans(url, 'url').map((s) => url.slice(s.start, s.end)),
        [expected],
        url,
      );
    }
    // An anchor and percent-encoded words stay what they are.
    assert.deepEqual(bareIdentifierSpans('https://x.example/a.png?q=hello%20world&page=2#top', 'url'), []);
  });

  test('ordinary image URLs pass: sizes, dates in paths, hashes, short random ids', () => {
    for (const url of [
      'https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg',
      'https://example.com/images/2024/05/12/photo.png',
      'https://cdn.example.com/a3f5c9e1b2d4e6f7a8b9.webp?w=1200&h=800',
      'https://i.imgur.com/Xk3pQ9z.jpeg',
      'https://example.com/static/logo@2x.png?v=3',
    ]) {
      assert.deepEqual(bareIdentifierSpans(url, 'url'), [], url);
    }
  });
});
