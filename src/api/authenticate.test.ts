import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { createApiKey, revokeApiKey } from '../governance/key-admin.js';
import { KeyRing } from '../governance/key-ring.js';
import { GatewayError } from '../spec/errors.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { AuthenticationError, createAuthenticator, isLoopback, secretPrefix } from './authenticate.js';

const req = (authorization?: string): IncomingMessage => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;

function status(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error.status;
  }
}

test('with auth unset and no keys, only a loopback listener is open', async () => {
  const keys = await KeyRing.open({ store: createMemoryStore().keys, staticKeys: [], pollMs: 0 });
  const local = createAuthenticator({ config: {}, keys, host: '127.0.0.1' });
  const exposed = createAuthenticator({ config: {}, keys, host: '0.0.0.0' });
  assert.equal(local.open, true);
  assert.equal(local.api(req()), null);
  assert.equal(exposed.open, false);
  assert.equal(
    status(() => exposed.api(req())),
    401,
  );
  // Admin endpoints follow: open on the open listener, disabled (no admin_key) on the exposed one.
  assert.equal(
    status(() => local.admin(req())),
    'ok',
  );
  assert.equal(
    status(() => exposed.admin(req())),
    403,
  );
  const explicit = createAuthenticator({ config: { auth: 'none' }, keys, host: '0.0.0.0' });
  assert.equal(explicit.api(req()), null);
  keys.close();
});

test('the admin key is checked exactly and API keys do not open admin endpoints', async () => {
  const keys = await KeyRing.open({ store: createMemoryStore().keys, staticKeys: ['api-key'], pollMs: 0 });
  const auth = createAuthenticator({ config: { admin_key: 'admin-key-0123456789' }, keys, host: '127.0.0.1' });
  assert.equal(
    status(() => auth.admin(req('Bearer admin-key-0123456789'))),
    'ok',
  );
  assert.equal(
    status(() => auth.admin(req('Bearer admin-key-012345678'))),
    401,
  );
  assert.equal(
    status(() => auth.admin(req('Bearer api-key'))),
    401,
  );
  assert.equal(
    status(() => auth.admin(req())),
    401,
  );
  assert.equal(auth.api(req('Bearer api-key'))?.source, 'config');
  assert.equal(
    status(() => auth.api(req('Basic api-key'))),
    401,
  );
  keys.close();
});

test('loopback addresses', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopback(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2']) assert.equal(isLoopback(host), false, host);
});

test('the Bearer scheme is matched in any case, with any run of spaces or tabs before the key (RFC 9110)', async () => {
  const keys = await KeyRing.open({ store: createMemoryStore().keys, staticKeys: ['api-key-0123456789'], pollMs: 0 });
  const auth = createAuthenticator({ config: { admin_key: 'admin-key-0123456789' }, keys, host: '127.0.0.1' });
  for (const header of [
    'Bearer api-key-0123456789',
    'bearer api-key-0123456789',
    'BEARER api-key-0123456789',
    'bEaReR   api-key-0123456789',
    'Bearer\tapi-key-0123456789 ',
  ]) {
    assert.equal(auth.api(req(header))?.source, 'config', JSON.stringify(header));
  }
  assert.equal(
    status(() => auth.admin(req('bearer  admin-key-0123456789'))),
    'ok',
  );
  // Not the scheme: a prefix of another word, no separator, or no key at all.
  for (const header of ['Bearerapi-key-0123456789', 'Bearers api-key-0123456789', 'Basic api-key-0123456789', 'bearer', 'bearer   ']) {
    assert.equal(
      status(() => auth.api(req(header))),
      401,
      JSON.stringify(header),
    );
  }
  keys.close();
});

test("a 401 carries the code, the revoked key's id and a prefix of what was sent, never the secret", async () => {
  const store = createMemoryStore();
  const keys = await KeyRing.open({ store: store.keys, staticKeys: ['api-key-0123456789'], pollMs: 0 });
  const auth = createAuthenticator({ config: { admin_key: 'admin-key-0123456789' }, keys, host: '127.0.0.1' });
  const failure = (fn: () => unknown): AuthenticationError => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.status, 401);
      return error;
    }
    assert.fail('expected a 401');
  };
  const guess = `tdm_${'x'.repeat(43)}`;
  const invalid = failure(() => auth.api(req(`Bearer ${guess}`)));
  assert.deepEqual(
    { code: invalid.code, keyId: invalid.keyId, keyPrefix: invalid.keyPrefix },
    { code: 'invalid_api_key', keyId: null, keyPrefix: 'tdm_xxxxxx' },
  );
  assert.deepEqual([failure(() => auth.api(req())).code, failure(() => auth.api(req())).keyPrefix], ['missing_api_key', null]);
  const admin = failure(() => auth.admin(req('Bearer admin-key-0123456788')));
  assert.deepEqual([admin.code, admin.keyPrefix], ['invalid_admin_key', 'admin']);
  // A short secret gives away at most a quarter of itself.
  assert.equal(secretPrefix('abcdefgh'), 'ab');
  assert.equal(secretPrefix('abc'), '');
  const created = await createApiKey(store.keys, { name: 'old' }, Date.now());
  await revokeApiKey(store.keys, created.key.id, Date.now());
  await keys.refresh();
  const revoked = failure(() => auth.api(req(`Bearer ${created.secret}`)));
  assert.deepEqual(
    { code: revoked.code, keyId: revoked.keyId, keyPrefix: revoked.keyPrefix },
    { code: 'revoked_api_key', keyId: created.key.id, keyPrefix: created.secret.slice(0, 10) },
  );
  keys.close();
});
