import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPersons } from './person-detector.js';

const names = (text: string): string[] =>
  detectPersons(text)
    .filter((f) => f.confidence >= 0.5)
    .map((f) => text.slice(f.start, f.end));

describe('detectPersons', () => {
  test('finds names in every script it covers, after cues and titles in their own language', () => {
    const cases: Array<[string, string]> = [
      ['My name is Çağla Yıldız.', 'Çağla Yıldız'],
      ['customer name: Bùi Thị Xuân', 'Bùi Thị Xuân'],
      ['Меня зовут Анна Петрова.', 'Анна Петрова'],
      ['г-н Иванов приедет завтра.', 'Иванов'],
      ['Με λένε Γιώργος Παπαδόπουλος.', 'Γιώργος Παπαδόπουλος'],
      ['اسمي محمد العلي.', 'محمد العلي'],
      ['שמי דוד כהן.', 'דוד כהן'],
      ['मेरा नाम राहुल शर्मा है।', 'राहुल शर्मा'],
      ['我叫王小明。', '王小明'],
      ['田中太郎様', '田中太郎'],
      ['제 이름은 김민수입니다.', '김민수'],
      ['ผมชื่อสมชาย ใจดีครับ', 'สมชาย ใจดี'],
      ['Tôi tên là Nguyễn Văn An.', 'Nguyễn Văn An'],
      ['Herr Müller ruft morgen an.', 'Müller'],
      ['Mme Dubois a appelé.', 'Dubois'],
      ['I met Dr. Watson yesterday', 'Watson'],
    ];
    for (const [text, name] of cases) assert.deepEqual(names(text), [name], text);
  });

  test('a name runs on over a capitalised surname the lists lack, on its own line only', () => {
    assert.deepEqual(names('Name: Peter Whitfield\ncontact: j@x.org'), ['Peter Whitfield']);
    assert.deepEqual(names('Customer: Peter Whitfield, 12 Main St'), ['Peter Whitfield']);
    assert.deepEqual(names('Name: Peter\nWhitfield Road is closed'), ['Peter']);
    assert.deepEqual(names('Name: Michael Novak Dear Michael Okafor, thanks'), ['Michael Novak', 'Michael Okafor']);
  });

  test('a JSON key read as a cue finds a lowercase name', () => {
    assert.deepEqual(names('customer name: çağla yıldız'), ['çağla yıldız']);
  });

  test('does not take assistants, chores, cities, brands, weekdays or months for people', () => {
    for (const text of [
      'Alexa, play some music.',
      'alexa set an alarm for 7',
      'Please wash dishes.',
      'wash dishes and vacuum the living room',
      'What is the weather in Paris on Monday?',
      'I bought Nike shoes in March.',
      'how long is the flight to dallas',
      'Why was my Apple Pay top up declined?',
      'Our office: Rue de Rivoli 12, Paris',
      'key AKIAIOSFODNN7EXAMPLE leaked',
    ]) {
      assert.deepEqual(names(text), [], text);
    }
  });

  test('finds a name again where it recurs', () => {
    assert.deepEqual(names('directed by Bryan Maclean and starring Maclean'), ['Bryan Maclean', 'Maclean']);
  });
});
