import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plantedValues } from '../../../test/pii/planted-values.js';
import { detectAssignedSecrets } from './assigned-secrets.js';
import { detectSecrets } from './secret-detector.js';

const found = (text: string): string[] => detectAssignedSecrets(text).map((f) => text.slice(f.start, f.end));

test('a URL password with any characters, ending in ! or #, or holding an @', () => {
  assert.deepEqual(found('postgres://app:S3cret!@db.internal:5432/app'), ['S3cret!']);
  assert.deepEqual(found('mysql://root:pa#ss#@10.0.3.7/shop'), ['pa#ss#']);
  assert.deepEqual(found('redis://:p@ss:w0rd@cache.example.net:6379/0.'), ['p@ss:w0rd']);
  assert.deepEqual(found('https://user:xY9$%^&*()@example.com/repo.git'), ['xY9$%^&*()']);
});

test('passwords in connection strings, query strings, code and prose', () => {
  assert.deepEqual(found('Server=db;User Id=sa;Password=[~;8Y7Lx5oa;Database=app;'), ['[~;8Y7Lx5oa']);
  assert.deepEqual(found('jdbc:postgresql://db/app?user=admin&password=hIl9;?Rp&ssl=true'), ['hIl9;?Rp']);
  assert.deepEqual(found('host=db user=app password=pa;ss&x dbname=app'), ['pa;ss&x']);
  assert.deepEqual(found('"password": "Tf5d(,fcN2"'), ['Tf5d(,fcN2']);
  assert.deepEqual(found('das Passwort ist Sommer2024!'), ['Sommer2024!']);
  assert.deepEqual(found('mot de passe : xk28Lq#'), ['xk28Lq#']);
});

test('prose about passwords is not a password', () => {
  assert.deepEqual(found('password: is required; the password is optional; token = null; DB_PASSWORD=${DB_PASSWORD}'), []);
});

test('every planted password and connection-string password is covered (generator seed 51, 1,000 values)', () => {
  const misses = plantedValues({ seed: 51, count: 1000, types: ['SECRET'] }).filter((v) => {
    const start = v.sentence.indexOf(v.value);
    return !detectSecrets(v.sentence).some((f) => f.start <= start && f.end >= start + v.value.length);
  });
  assert.deepEqual(
    misses.map((v) => `${v.form}: ${v.sentence}`),
    [],
  );
});
