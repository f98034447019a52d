import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { mintApiKey } from './api-key-secret.js';
import { KeyRing, type KeyLookup } from './key-ring.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-key-ring-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('keys created and revoked by another process (the CLI) take effect without a restart', async () => {
  const path = join(dir, 'shared.db');
  const gatewayStore = await openSqliteStore({ path, logBodies: false });
  const cliStore = await openSqliteStore({ path, logBodies: false });
  const ring = await KeyRing.open({ store: gatewayStore.keys, staticKeys: [], pollMs: 20 });
  try {
    assert.equal(ring.hasKeys, false);
    const { record, secret } = mintApiKey({ name: 'from the cli', now: Date.now() });
    assert.deepEqual(ring.lookup(secret, Date.now()), { status: 'unknown' } satisfies KeyLookup);
    await cliStore.keys.create(record);
    await eventually(() => ring.lookup(secret, Date.now()).status === 'active', 'the new key');
    assert.equal(ring.hasKeys, true);
    await cliStore.keys.revoke(record.id, Date.now());
    await eventually(() => ring.lookup(secret, Date.now()).status === 'revoked', 'the revocation');
    assert.deepEqual(ring.lookup(secret, Date.now()), { status: 'revoked', id: record.id });
  } finally {
    ring.close();
    await gatewayStore.close();
    await cliStore.close();
  }
});

test('static keys from server.api_keys keep their historical ids and allow everything', async () => {
  const store = await openSqliteStore({ path: ':memory:', logBodies: false });
  const ring = await KeyRing.open({ store: store.keys, staticKeys: ['tk-secret'], pollMs: 0 });
  try {
    const found = ring.lookup('tk-secret', Date.now());
    assert.ok(found.status === 'active');
    // sha256("tk-secret") starts with these four bytes: the id the server gave static keys before.
    assert.match(found.key.id, /^key-[0-9a-f]{8}$/);
    assert.equal(found.key.allowsRoute('anything'), true);
    assert.equal(ring.lookup('tk-secreT', Date.now()).status, 'unknown');
  } finally {
    ring.close();
    await store.close();
  }
});
