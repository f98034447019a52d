/**
 * The behaviour every ArtifactRegistry backend must have. A backend's test file calls
 * runArtifactRegistryContract once per way of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ArtifactRegistry, NewArtifact } from './artifact-registry.js';

export type OpenArtifactRegistry = () => Promise<{ registry: ArtifactRegistry; close(): Promise<void> }>;

const by = (time: number, actor = 'test', reason: string | null = null) => ({ actor, reason, time });

function artifact(overrides: Partial<NewArtifact> = {}): NewArtifact {
  return {
    kind: 'task-student',
    name: 'support/intent',
    bytes: Uint8Array.from([1, 2, 3, 250]),
    createdAt: 1_700_000_000_000,
    provenance: { dataset: 'banking77', examples: 1200, since: 1_699_000_000_000, until: 1_700_000_000_000 },
    metrics: { coverage: 0.8, agreement: 0.985 },
    ...overrides,
  };
}

export function runArtifactRegistryContract(name: string, open: OpenArtifactRegistry): void {
  async function withRegistry(body: (registry: ArtifactRegistry) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.registry);
    } finally {
      await opened.close();
    }
  }

  describe(`ArtifactRegistry contract: ${name}`, () => {
    test('register numbers versions per kind and name, hashes the bytes and keeps provenance and metrics', async () => {
      await withRegistry(async (registry) => {
        assert.equal(await registry.changeCounter(), 0);
        const first = await registry.register(artifact(), by(10, 'alice', 'first'));
        const second = await registry.register(artifact({ bytes: Uint8Array.from([9]) }), by(20));
        const other = await registry.register(artifact({ kind: 'router-scorer', name: 'support/intent' }), by(30));
        assert.deepEqual([first.version, second.version, other.version], [1, 2, 1]);
        assert.equal(
          first.sha256,
          createHash('sha256')
            .update(Uint8Array.from([1, 2, 3, 250]))
            .digest('hex'),
        );
        assert.equal(first.size, 4);
        assert.equal(first.status, 'candidate');
        const stored = await registry.get('task-student', 'support/intent', 1);
        assert.deepEqual(stored, first);
        assert.deepEqual(stored?.provenance, { dataset: 'banking77', examples: 1200, since: 1_699_000_000_000, until: 1_700_000_000_000 });
        assert.deepEqual(stored?.metrics, { coverage: 0.8, agreement: 0.985 });
        assert.equal(await registry.get('task-student', 'support/intent', 3), undefined);
        assert.equal((await registry.changeCounter()) >= 3, true);
        const events = await registry.events('task-student', 'support/intent');
        assert.deepEqual(
          events.map((e) => [e.version, e.action, e.fromStatus, e.toStatus, e.actor, e.reason, e.time]),
          [
            [1, 'register', null, 'candidate', 'alice', 'first', 10],
            [2, 'register', null, 'candidate', 'test', null, 20],
          ],
        );
      });
    });

    test('an explicit version must be higher than every version so far', async () => {
      await withRegistry(async (registry) => {
        assert.equal((await registry.register(artifact({ version: 5 }), by(1))).version, 5);
        await assert.rejects(registry.register(artifact({ version: 5 }), by(2)), /higher than 5/);
        await assert.rejects(registry.register(artifact({ version: 3 }), by(2)), /higher than 5/);
        assert.equal((await registry.register(artifact(), by(3))).version, 6);
      });
    });

    test('at most one live version: making one live retires the previous live one, with its own event', async () => {
      await withRegistry(async (registry) => {
        for (let i = 0; i < 3; i++) await registry.register(artifact(), by(i));
        const before = await registry.changeCounter();
        const first = await registry.setStatus({
          kind: 'task-student',
          name: 'support/intent',
          version: 1,
          to: 'live',
          action: 'promote',
          ...by(100, 'bob', 'good'),
        });
        assert.deepEqual(
          first?.map((e) => [e.version, e.action, e.fromStatus, e.toStatus]),
          [[1, 'promote', 'candidate', 'live']],
        );
        const second = await registry.setStatus({
          kind: 'task-student',
          name: 'support/intent',
          version: 2,
          to: 'live',
          action: 'promote',
          ...by(200, 'bob', 'better'),
        });
        assert.deepEqual(
          second?.map((e) => [e.version, e.action, e.fromStatus, e.toStatus, e.actor, e.reason]),
          [
            [1, 'retire', 'live', 'retired', 'bob', 'better'],
            [2, 'promote', 'candidate', 'live', 'bob', 'better'],
          ],
        );
        assert.ok((await registry.changeCounter()) > before);
        assert.equal((await registry.live('task-student', 'support/intent'))?.version, 2);
        assert.equal((await registry.get('task-student', 'support/intent', 1))?.status, 'retired');
        assert.equal((await registry.get('task-student', 'support/intent', 2))?.updatedAt, 200);
        assert.deepEqual(
          (await registry.list({ kind: 'task-student' })).map((e) => [e.version, e.status]),
          [
            [3, 'candidate'],
            [2, 'live'],
            [1, 'retired'],
          ],
        );
        // Making the live version live again changes nothing but its event.
        const again = await registry.setStatus({ kind: 'task-student', name: 'support/intent', version: 2, to: 'live', action: 'promote', ...by(300) });
        assert.equal(again?.length, 1);
        assert.equal((await registry.liveAll()).length, 1);
        assert.equal(
          await registry.setStatus({ kind: 'task-student', name: 'support/intent', version: 9, to: 'live', action: 'promote', ...by(1) }),
          undefined,
        );
      });
    });

    test('live versions of different names and kinds are independent; list filters and orders', async () => {
      await withRegistry(async (registry) => {
        await registry.register(artifact({ name: 'b' }), by(1));
        await registry.register(artifact({ name: 'a' }), by(2));
        await registry.register(artifact({ kind: 'model', name: 'a' }), by(3));
        for (const [kind, name] of [
          ['task-student', 'a'],
          ['task-student', 'b'],
          ['model', 'a'],
        ] as const) {
          await registry.setStatus({ kind, name, version: 1, to: 'live', action: 'promote', ...by(10) });
        }
        assert.deepEqual(
          (await registry.liveAll()).map((e) => `${e.kind}/${e.name}@${e.version}`),
          ['model/a@1', 'task-student/a@1', 'task-student/b@1'],
        );
        assert.deepEqual(
          (await registry.liveAll('task-student')).map((e) => e.name),
          ['a', 'b'],
        );
        assert.deepEqual(
          (await registry.list({ name: 'a' })).map((e) => e.kind),
          ['model', 'task-student'],
        );
        assert.deepEqual(await registry.list({ kind: 'cascade-verifier' }), []);
        await registry.setStatus({ kind: 'task-student', name: 'a', version: 1, to: 'retired', action: 'retire', ...by(20) });
        assert.equal(await registry.live('task-student', 'a'), undefined);
      });
    });

    test('bytes round-trip exactly, a large artifact (several stored parts) too', async () => {
      await withRegistry(async (registry) => {
        const large = new Uint8Array(600_000);
        for (let i = 0; i < large.length; i++) large[i] = (i * 31 + (i >> 8)) & 0xff;
        await registry.register(artifact({ bytes: large }), by(1));
        await registry.register(artifact({ bytes: new Uint8Array(0) }), by(2));
        const back = await registry.bytes('task-student', 'support/intent', 1);
        assert.ok(back && Buffer.from(back).equals(Buffer.from(large)));
        assert.equal((await registry.bytes('task-student', 'support/intent', 2))?.length, 0);
        assert.equal(await registry.bytes('task-student', 'support/intent', 3), undefined);
        assert.equal((await registry.get('task-student', 'support/intent', 1))?.sha256, createHash('sha256').update(large).digest('hex'));
      });
    });
  });
}
