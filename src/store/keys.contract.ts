/**
 * The behaviour every ApiKeyStore backend must have. A backend's test file calls runApiKeyStoreContract
 * once per way of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiKeyRecord, ApiKeyStore } from './keys.js';

export type OpenApiKeyStore = () => Promise<{ keys: ApiKeyStore; close(): Promise<void> }>;

export function makeApiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key_0001',
    name: 'ops team',
    hash: '1'.repeat(64),
    prefix: 'tdm_abcd',
    routes: ['tandem/*'],
    models: ['small', 'qwen-*'],
    limits: { requests_per_minute: 60, spend_per_day: 2.5 },
    createdAt: 1_700_000_000_000,
    expiresAt: 1_800_000_000_000,
    revokedAt: null,
    scope: 'all',
    ...overrides,
  };
}

export function runApiKeyStoreContract(name: string, open: OpenApiKeyStore): void {
  async function withKeys(body: (keys: ApiKeyStore) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await body(store.keys);
    } finally {
      await store.close();
    }
  }

  describe(`ApiKeyStore contract: ${name}`, () => {
    test('create, get and list return every field as created, oldest first', async () => {
      await withKeys(async (keys) => {
        const a = makeApiKey();
        const b = makeApiKey({
          id: 'key_0002',
          hash: '2'.repeat(64),
          createdAt: 1_600_000_000_000,
          expiresAt: null,
          limits: {},
          routes: ['*'],
          models: ['*'],
          scope: 'routes',
        });
        await keys.create(a);
        await keys.create(b);
        assert.deepEqual(await keys.get('key_0001'), a);
        assert.deepEqual(await keys.list(), [b, a]);
        assert.equal(await keys.get('nope'), undefined);
      });
    });

    test('a duplicate id or secret hash is rejected', async () => {
      await withKeys(async (keys) => {
        await keys.create(makeApiKey());
        await assert.rejects(keys.create(makeApiKey({ hash: '9'.repeat(64) })));
        await assert.rejects(keys.create(makeApiKey({ id: 'key_other' })));
        assert.equal((await keys.list()).length, 1);
      });
    });

    test('revoke sets revokedAt once; unknown ids report false', async () => {
      await withKeys(async (keys) => {
        await keys.create(makeApiKey());
        assert.equal(await keys.revoke('key_0001', 5_000), true);
        assert.equal(await keys.revoke('key_0001', 6_000), true);
        assert.equal((await keys.get('key_0001'))?.revokedAt, 5_000);
        assert.equal(await keys.revoke('missing', 5_000), false);
      });
    });

    test('the change token moves on create and revoke, and only then', async () => {
      await withKeys(async (keys) => {
        const tokens = [await keys.changeToken()];
        tokens.push(await keys.changeToken());
        await keys.create(makeApiKey());
        tokens.push(await keys.changeToken());
        await keys.revoke('key_0001', 7_000);
        tokens.push(await keys.changeToken());
        await keys.revoke('key_0001', 8_000);
        tokens.push(await keys.changeToken());
        assert.equal(tokens[0], tokens[1]);
        assert.notEqual(tokens[1], tokens[2]);
        assert.notEqual(tokens[2], tokens[3]);
        assert.equal(tokens[3], tokens[4]);
      });
    });
  });
}
