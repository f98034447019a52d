/**
 * Forms an independent probe found (test/pii/probe-forms.ts): each rule with a value it now finds and a
 * look-alike it must not. Values are synthetic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectPii, type PiiType } from '../detect-pii.js';

/** The text of each finding of `type`. */
function found(text: string, type: PiiType): string[] {
  return detectPii(text)
    .filter((f) => f.type === type)
    .map((f) => text.slice(f.start, f.end));
}

describe('credit cards', () => {
  test('dots, slashes, mixed separators, " - " and a CSV field', () => {
    assert.deepEqual(found('Charge 4111.1111.1111.1111 now', 'CREDIT_CARD'), ['4111.1111.1111.1111']);
    assert.deepEqual(found('cc 4111/1111/1111/1111', 'CREDIT_CARD'), ['4111/1111/1111/1111']);
    assert.deepEqual(found('use 4111 1111-1111.1111 please', 'CREDIT_CARD'), ['4111 1111-1111.1111']);
    assert.deepEqual(found('use 4111 - 1111 - 1111 - 1111', 'CREDIT_CARD'), ['4111 - 1111 - 1111 - 1111']);
    assert.deepEqual(found('id,name,card\n17,Jane,4111111111111111,09/27', 'CREDIT_CARD'), ['4111111111111111']);
  });
  test('not a decimal, a thousands list, or an id without an issuer prefix', () => {
    assert.deepEqual(found('total 4111111111111111,45 units', 'CREDIT_CARD'), []);
    assert.deepEqual(found('created_at=1789031930180 in the log', 'CREDIT_CARD'), []);
  });
});

describe('e-mail addresses', () => {
  test('any script, an entity or percent-encoded @, an xn-- TLD, bracketed [at] and [dot]', () => {
    assert.deepEqual(found('Mail: jürgen@bücher.de', 'EMAIL_ADDRESS'), ['jürgen@bücher.de']);
    assert.deepEqual(found('<a href="mailto:jane&#64;example.com">', 'EMAIL_ADDRESS'), ['jane&#64;example.com']);
    assert.deepEqual(found('?user=jane.doe%40example.io&t=1', 'EMAIL_ADDRESS'), ['jane.doe%40example.io']);
    assert.deepEqual(found('li@haddad.xn--p1ai is mine', 'EMAIL_ADDRESS'), ['li@haddad.xn--p1ai']);
    assert.deepEqual(found('email jane.doe [at] example [dot] com', 'EMAIL_ADDRESS'), ['jane.doe [at] example [dot] com']);
  });
  test('not "look at the docs" or a bracketed word alone', () => {
    assert.deepEqual(found('look [at] the docs', 'EMAIL_ADDRESS'), []);
    assert.deepEqual(found('meet me at noon dot com style', 'EMAIL_ADDRESS'), []);
  });
});

describe('phone numbers', () => {
  test('tel: and WhatsApp links, a colon label, a trunk digit before the area code, Belgian dots', () => {
    assert.deepEqual(found('<a href="tel:+447400123456">Call</a>', 'PHONE_NUMBER'), ['+447400123456']);
    assert.deepEqual(found('https://wa.me/353850127810?text=hi', 'PHONE_NUMBER'), ['353850127810']);
    assert.deepEqual(found('電話番号：090-1234-5678', 'PHONE_NUMBER'), ['090-1234-5678']);
    assert.deepEqual(found('Handy: 8 (912) 345-92-66', 'PHONE_NUMBER'), ['8 (912) 345-92-66']);
    assert.deepEqual(found('Tel 0450.00.26.27', 'PHONE_NUMBER'), ['0450.00.26.27']);
  });
  test('not a four-part version or a clock time', () => {
    assert.deepEqual(found('Chrome 103.0.6950.75 crashes', 'PHONE_NUMBER'), []);
    assert.deepEqual(found('at 10:30 1234567 rows', 'PHONE_NUMBER'), []);
    assert.deepEqual(found('Part no. 723-353-121 fits model AB123', 'PHONE_NUMBER'), []);
    assert.deepEqual(found('Llámame al 612 345 678', 'PHONE_NUMBER'), ['612 345 678']);
  });
});

describe('IBANs, SSNs and national IDs', () => {
  test('a space after the country, dashes; SSN with dots or " - "; NINO in lower case or with dashes', () => {
    assert.deepEqual(found('IBAN DE 89 370400440532013000', 'IBAN_CODE'), ['DE 89 370400440532013000']);
    assert.deepEqual(found('IBAN: DE89-3704-0044-0532-0130-00', 'IBAN_CODE'), ['DE89-3704-0044-0532-0130-00']);
    assert.deepEqual(found('SSN: 123 - 45 - 6789', 'US_SSN'), ['123 - 45 - 6789']);
    assert.deepEqual(found('social security number 123.45.6789', 'US_SSN'), ['123.45.6789']);
    assert.deepEqual(found('my ni number is ab123456c', 'NATIONAL_ID'), ['ab123456c']);
    assert.deepEqual(found('NI: AB-12-34-56-C', 'NATIONAL_ID'), ['AB-12-34-56-C']);
  });
  test('a dotted version is no SSN', () => {
    assert.deepEqual(found('release 123.45.6789 is out', 'US_SSN'), []);
  });
});

describe('dates of birth', () => {
  test('ISO with a time, ddmmyyyy, Roman months, CJK dates, more languages, a verb-last cue, "1.º"', () => {
    assert.deepEqual(found('{"dob": "1985-05-03T00:00:00Z"}', 'DATE_OF_BIRTH'), ['1985-05-03T00:00:00Z']);
    assert.deepEqual(found('DOB: 03051985', 'DATE_OF_BIRTH'), ['03051985']);
    assert.deepEqual(found('data urodzenia: 27.XII.1946', 'DATE_OF_BIRTH'), ['27.XII.1946']);
    assert.deepEqual(found('生年月日：1985年5月3日', 'DATE_OF_BIRTH'), ['1985年5月3日']);
    assert.deepEqual(found('doğum tarihi 03.05.1985', 'DATE_OF_BIRTH'), ['03.05.1985']);
    assert.deepEqual(found('Ich wurde am 3. Juli 1953 in Köln geboren.', 'DATE_OF_BIRTH'), ['3. Juli 1953']);
    assert.deepEqual(found('Nací el 1.º de agosto de 1996.', 'DATE_OF_BIRTH'), ['1.º de agosto de 1996']);
  });
  test('still no date without a birth cue', () => {
    assert.deepEqual(found('Release 27.XII.2019, build 03051985', 'DATE_OF_BIRTH'), []);
  });
});

describe('passports', () => {
  test('cues in more languages, grouped numbers, the machine-readable zone', () => {
    assert.deepEqual(found('numer paszportu EA1234567', 'PASSPORT'), ['EA1234567']);
    assert.deepEqual(found('номер паспорта 4509123456', 'PASSPORT'), ['4509123456']);
    assert.deepEqual(found('护照号码 E12345678', 'PASSPORT'), ['E12345678']);
    assert.deepEqual(found('passport: BW 902 2829', 'PASSPORT'), ['BW 902 2829']);
    const mrz = `${'P<GBRDOE<<JANE'.padEnd(44, '<')}\nRK34640561GBR8501017F3101013<<<<<<<<<<<<<<04`;
    assert.deepEqual(found(mrz, 'PASSPORT'), mrz.split('\n'));
  });
  test('a code with a dash tail is not taken in part; no cue, no passport', () => {
    assert.deepEqual(found('Here is my passport: ZX-99-8811-Q', 'PASSPORT'), []);
    assert.deepEqual(found('ticket BW 902 2829', 'PASSPORT'), []);
  });
});

describe('secrets', () => {
  test('webhooks, Telegram and webhook-secret keys', () => {
    assert.equal(found('post to https://hooks.slack.com/services/T0000AAAA/B0000BBBBBB/abcdefghijklmnopqrstuvwx', 'API_KEY').length, 1);
    assert.deepEqual(found('bot = Bot("1234567890:AAFh2bQ9xYz_kLmNoPqRsTuVwXyZ0123456")', 'API_KEY'), ['1234567890:AAFh2bQ9xYz_kLmNoPqRsTuVwXyZ0123456']);
    assert.deepEqual(found("secret = 'whsec_abcdefghijklmnopqrstuvwxyz012345'", 'API_KEY'), ['whsec_abcdefghijklmnopqrstuvwxyz012345']);
  });
  test('authorization headers, command-line passwords, env names, password inputs', () => {
    assert.deepEqual(found("curl -H 'Authorization: Bearer ambuqzhcuyiuixt3bzio' https://x", 'SECRET'), ['ambuqzhcuyiuixt3bzio']);
    assert.deepEqual(found('Authorization: Basic amFuZTpxckZWTCQjRzY=', 'SECRET'), ['amFuZTpxckZWTCQjRzY=']);
    assert.deepEqual(found('curl -u jane:Ju3C~MyfD8 https://api.example.com', 'SECRET'), ['Ju3C~MyfD8']);
    assert.deepEqual(found('mysql -u root -pAvhy$P0 shop', 'SECRET'), ['Avhy$P0']);
    assert.deepEqual(found("sshpass -p 'jjJlPh$K!.0' ssh deploy@host", 'SECRET'), ['jjJlPh$K!.0']);
    assert.deepEqual(found('docker login -u ci -p GTw7.a_yux9 registry.example.com', 'SECRET'), ['GTw7.a_yux9']);
    assert.deepEqual(found('tool --db-password=Hunter2! --verbose', 'SECRET'), ['Hunter2!']);
    assert.deepEqual(found('PGPASSWORD=yk4s7J#LZa5 psql -h db', 'SECRET'), ['yk4s7J#LZa5']);
    assert.deepEqual(found('SECRET_KEY=5FM4*I!h_f2VQrvq+x', 'SECRET'), ['5FM4*I!h_f2VQrvq+x']);
    assert.deepEqual(found('<input type="password" name="pw" value="vJOTW$$2X~3">', 'SECRET'), ['vJOTW$$2X~3']);
  });
  test('not a key path or URL, a port flag, git object ids or integrity hashes', () => {
    assert.deepEqual(found('SECRET_KEY_FILE=/run/secrets/key TOKEN_URL=https://auth.example.com/token', 'SECRET'), []);
    assert.deepEqual(found('mysql -h db -P 3306 -u app shop', 'SECRET'), []);
    assert.deepEqual(found('commit 71fc2abc62e5dbd1ef63d909af26e8a0457825e7 broke it', 'SECRET'), []);
    assert.deepEqual(found('"integrity": "sha512-C2Zp5UBvl/NNzqbKzzx/7zR1lkrBW8YhhhLP6DdoCI6Xw=="', 'SECRET'), []);
  });
});

describe('overlaps', () => {
  test('a name inside a structured finding gives way to it', () => {
    assert.deepEqual(found('Ich wurde am 3. Juli 1953 in Köln geboren.', 'PERSON').includes('Juli'), false);
  });
  test('loopback addresses are no one\u2019s', () => {
    assert.deepEqual(found('listening on 127.0.0.1:8080 and [::1]:9000', 'IP_ADDRESS'), []);
  });
});
