import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { KeyRing } from '../governance/key-ring.js';
import { GatewayError } from '../spec/errors.js';
import { createMemoryStore } from '../store/memory/memory-store.js';
import { createAuthenticator, isLoopback } from './authenticate.js';

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
  assert.equal(status(() => exposed.api(req())), 401);
  // Admin endpoints follow: open on the open listener, disabled (no admin_key) on the exposed one.
  assert.equal(status(() => local.admin(req())), 'ok');
  assert.equal(status(() => exposed.admin(req())), 403);
  const explicit = createAuthenticator({ config: { auth: 'none' }, keys, host: '0.0.0.0' });
  assert.equal(explicit.api(req()), null);
  keys.close();
});

test('the admin key is checked exactly and API keys do not open admin endpoints', async () => {
  const keys = await KeyRing.open({ store: createMemoryStore().keys, staticKeys: ['api-key'], pollMs: 0 });
  const auth = createAuthenticator({ config: { admin_key: 'admin-key-0123456789' }, keys, host: '127.0.0.1' });
  assert.equal(status(() => auth.admin(req('Bearer admin-key-0123456789'))), 'ok');
  assert.equal(status(() => auth.admin(req('Bearer admin-key-012345678'))), 401);
  assert.equal(status(() => auth.admin(req('Bearer api-key'))), 401);
  assert.equal(status(() => auth.admin(req())), 401);
  assert.equal(auth.api(req('Bearer api-key'))?.source, 'config');
  assert.equal(status(() => auth.api(req('Basic api-key'))), 401);
  keys.close();
});

test('loopback addresses', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopback(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2']) assert.equal(isLoopback(host), false, host);
});
