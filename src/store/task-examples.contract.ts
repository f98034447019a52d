/**
 * The behaviour every TaskExampleStore backend must have. A backend's test file calls
 * runTaskExampleStoreContract once per way of opening a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StudentRecord, TaskExampleStore } from './task-examples.js';

export type OpenTaskExampleStore = () => Promise<{ taskExamples: TaskExampleStore; close(): Promise<void> }>;

function student(overrides: Partial<StudentRecord> = {}): StudentRecord {
  return {
    route: 'support/intent',
    version: 1,
    createdAt: 1_700_000_000_000,
    status: 'active',
    metrics: { coverage: 0.8, agreement: 0.985, evalExamples: 300 },
    artifact: Uint8Array.from([1, 2, 3, 250]),
    ...overrides,
  };
}

export function runTaskExampleStoreContract(name: string, open: OpenTaskExampleStore): void {
  async function withStore(body: (store: TaskExampleStore) => Promise<void>): Promise<void> {
    const opened = await open();
    try {
      await body(opened.taskExamples);
    } finally {
      await opened.close();
    }
  }

  describe(`TaskExampleStore contract: ${name}`, () => {
    test('captures one example per route and input; a later teacher answer replaces the label', async () => {
      await withStore(async (store) => {
        await store.capture({ route: 'r', input: 'where is my card?', label: 'card_arrival', time: 1 });
        await store.capture({ route: 'r', input: 'I lost my card', label: 'lost_card', time: 2, weight: 50 });
        await store.capture({ route: 'other', input: 'I lost my card', label: 'x', time: 3 });
        await store.capture({ route: 'r', input: 'where is my card?', label: 'card_delivery', time: 4 });
        const examples = await store.list('r');
        assert.deepEqual(
          examples.map((e) => [e.input, e.label, e.teacherLabel, e.correctedLabel, e.weight, e.updatedAt]),
          [
            ['I lost my card', 'lost_card', 'lost_card', null, 50, 2],
            ['where is my card?', 'card_delivery', 'card_delivery', null, 1, 4],
          ],
        );
        assert.equal(await store.count('r'), 2);
        assert.equal(await store.count('other'), 1);
        assert.equal(await store.count('none'), 0);
        assert.deepEqual(await store.list('none'), []);
      });
    });

    test('a correction beats the teacher, before and after later teacher answers', async () => {
      await withStore(async (store) => {
        await store.capture({ route: 'r', input: 'a', label: 'teacher', time: 1 });
        await store.correct({ route: 'r', input: 'a', label: 'person', time: 2 });
        await store.capture({ route: 'r', input: 'a', label: 'teacher again', time: 3 });
        await store.correct({ route: 'r', input: 'only corrected', label: 'person', time: 4 });
        const [a, b] = await store.list('r');
        assert.deepEqual([a?.label, a?.teacherLabel, a?.correctedLabel], ['person', 'teacher again', 'person']);
        assert.deepEqual([b?.input, b?.label, b?.teacherLabel], ['only corrected', 'person', null]);
      });
    });

    test('long and unusual inputs round-trip exactly', async () => {
      await withStore(async (store) => {
        const input = `${'ü€ 😀 '.repeat(2000)}\n"quoted" 'single' \\ end`;
        await store.capture({ route: 'r', input, label: 'l', time: 1 });
        assert.equal((await store.list('r'))[0]?.input, input);
      });
    });

    test('students: saved with metrics and artifact, listed newest first without artifacts', async () => {
      await withStore(async (store) => {
        await store.saveStudent(student());
        await store.saveStudent(student({ version: 2, status: 'candidate', artifact: null, createdAt: 1_700_000_001_000 }));
        await store.saveStudent(student({ route: 'a/other', version: 1 }));
        await assert.rejects(store.saveStudent(student()));
        const listed = await store.students('support/intent');
        assert.deepEqual(
          listed.map((s) => [s.version, s.status, s.hasArtifact]),
          [
            [2, 'candidate', false],
            [1, 'active', true],
          ],
        );
        assert.deepEqual(listed[1]?.metrics, { coverage: 0.8, agreement: 0.985, evalExamples: 300 });
        assert.deepEqual(
          (await store.students()).map((s) => `${s.route}@${s.version}`),
          ['a/other@1', 'support/intent@2', 'support/intent@1'],
        );
        const one = await store.student('support/intent', 1);
        assert.deepEqual(one?.artifact && [...one.artifact], [1, 2, 3, 250]);
        assert.equal(one?.createdAt, 1_700_000_000_000);
        assert.equal(await store.student('support/intent', 9), undefined);
      });
    });

    test('a large artifact (several stored parts) round-trips byte for byte', async () => {
      await withStore(async (store) => {
        const artifact = new Uint8Array(600_000);
        for (let i = 0; i < artifact.length; i++) artifact[i] = (i * 31 + (i >> 8)) & 0xff;
        await store.saveStudent(student({ artifact }));
        const back = await store.student('support/intent', 1);
        assert.equal(back?.artifact?.length, artifact.length);
        assert.ok(back?.artifact && Buffer.from(back.artifact).equals(Buffer.from(artifact)));
      });
    });

    test('status changes and dropped artifacts are kept', async () => {
      await withStore(async (store) => {
        await store.saveStudent(student());
        assert.equal(await store.setStudentStatus('support/intent', 1, 'demoted'), true);
        assert.equal(await store.setStudentStatus('support/intent', 7, 'retired'), false);
        await store.dropArtifact('support/intent', 1);
        const one = await store.student('support/intent', 1);
        assert.equal(one?.status, 'demoted');
        assert.equal(one?.artifact, null);
        assert.equal((await store.students())[0]?.hasArtifact, false);
      });
    });
  });
}
