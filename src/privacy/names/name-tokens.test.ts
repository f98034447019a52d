import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenFlag, hashString, tokenize } from './name-tokens.js';
import { Script, scriptOf } from './script-class.js';

function words(text: string): string[] {
  const t = tokenize(text);
  return Array.from({ length: t.count }, (_, i) => text.slice(t.start[i], t.end[i]));
}

describe('tokenize', () => {
  test('cuts spaced scripts into words and CJK into characters', () => {
    assert.deepEqual(words("Hello, O'Brien-Smith and Çağla!"), ['Hello', "O'Brien-Smith", 'and', 'Çağla']);
    assert.deepEqual(words('Меня зовут Анна Петрова.'), ['Меня', 'зовут', 'Анна', 'Петрова']);
    assert.deepEqual(words('我叫王小明。'), ['我', '叫', '王', '小', '明']);
    assert.deepEqual(words('田中さん'), ['田', '中', 'さ', 'ん']);
    assert.deepEqual(words('اسمي محمد'), ['اسمي', 'محمد']);
  });

  test('peels Thai titles and cues joined to a name', () => {
    assert.deepEqual(words('คุณสมชาย ใจดี'), ['คุณ', 'สมชาย', 'ใจดี']);
    assert.deepEqual(words('ผมชื่อสมศักดิ์ครับ'), ['ผม', 'ชื่อ', 'สมศักดิ์', 'ครับ']);
  });

  test('flags capitals, sentence starts, numbers and joined characters, and hashes the lowercase word', () => {
    const t = tokenize('Call ANNA at 5. then bob');
    assert.equal(t.flags[0]! & TokenFlag.SentenceStart, TokenFlag.SentenceStart);
    assert.equal(t.flags[1]! & TokenFlag.AllCaps, TokenFlag.AllCaps);
    assert.equal(t.flags[3]! & TokenFlag.Number, TokenFlag.Number);
    assert.equal(t.flags[4]! & TokenFlag.SentenceStart, TokenFlag.SentenceStart);
    assert.equal(t.hash[1], hashString('anna'));
    assert.equal(t.cased, true);
    assert.equal(tokenize('all lower case').cased, false);
    assert.equal(tokenize('王小明').flags[1]! & TokenFlag.Joined, TokenFlag.Joined);
  });

  test('keeps offsets when lowercasing changes length (İ)', () => {
    const text = 'İbrahim Yılmaz';
    assert.deepEqual(words(text), ['İbrahim', 'Yılmaz']);
  });

  test('knows the scripts it covers', () => {
    const cases: Array<[string, number]> = [
      ['a', Script.Latin],
      ['ễ', Script.Latin],
      ['Ж', Script.Cyrillic],
      ['Ω', Script.Greek],
      ['א', Script.Hebrew],
      ['م', Script.Arabic],
      ['न', Script.Indic],
      ['ก', Script.Thai],
      ['ა', Script.Georgian],
      ['한', Script.Hangul],
      ['さ', Script.Kana],
      ['王', Script.Han],
      ['1', Script.Other],
    ];
    for (const [ch, script] of cases) assert.equal(scriptOf(ch.charCodeAt(0)), script, ch);
  });
});
