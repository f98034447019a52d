/**
 * The model registry end to end over HTTP: two gateways on one store (a PostgreSQL schema, and a SQLite
 * file), the admin API of one promotes or rolls back, and the other serves the change within 5 s without
 * a restart: a task route's student (x-tandem-model names its version) and a learned route's scorer
 * (x-tandem-route-reason names it). Callers are the official `openai` client and plain fetch for /admin.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startServer, type TandemServer } from '../src/api/server.js';
import { PACKAGE_ROOT } from '../src/config/builtin-config.js';
import { configSchema, type TandemConfigInput } from '../src/config/schema.js';
import { encodeArtifact } from '../src/distill/student-artifact.js';
import { generatedExamples, TEST_LABELS, fakeTeacherModel } from '../src/distill/testing-examples.js';
import { trainStudent } from '../src/distill/train-student.js';
import { Gateway } from '../src/gateway/gateway.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { LabelledExample } from '../src/quality/datasets/labelled-dataset.js';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';
import { openStore } from '../src/store/open-store.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'registry-admin-key-for-tests';
const STUDENT_ROUTE = 'support/intent';
const LEARNED_ROUTE = 'tandem/auto';
const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';
const examples = generatedExamples(600, 5);
const gold = new Map(examples.map((e) => [e.input, e.label]));
/** The 5 s the issue allows a change to reach every replica. */
const PROPAGATION_MS = 5_000;

interface Replica {
  url: string;
  client: OpenAI;
  gateway: Gateway;
  server: TandemServer;
}

function traffic(): LabelledExample[] {
  const names = ['Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kit'];
  return Array.from({ length: 60 }, (_, i) => {
    const hard = i % 2 === 0;
    const prompt = hard
      ? `Compute ${i + 3} * ${i + 11} + ${i * 7} - ${i % 9}, then divide by ${(i % 5) + 2} and explain each step.`
      : `Say hello to my friend ${names[i % names.length] ?? 'Al'} number ${i}.`;
    return { id: `t${i}`, prompt, weak: hard ? 0 : 1, strong: 1 };
  });
}

const scorerBytes = (name: string): Uint8Array => new TextEncoder().encode(JSON.stringify(trainRouterArtifact({ examples: traffic(), name, llmShare: 0.5 })));

function student(version: number, seed: number): Uint8Array {
  const job = { route: STUDENT_ROUTE, version, targetAgreement: 0.9, examples: generatedExamples(600, seed), epochs: 6, now: 1_700_000_000_000 + version };
  return encodeArtifact(trainStudent(job).artifact);
}

for (const backend of ['postgres', 'sqlite'] as const) {
  describe(`registry hot reload on ${backend}`, async () => {
    const skip = backend === 'postgres' ? await postgresSkipReason() : false;
    const schemas = testSchemas();
    const dir = mkdtempSync(join(tmpdir(), 'tandem-registry-e2e-'));
    const schema = schemas.create();
    let teacher: FakeUpstream;
    let small: FakeUpstream;
    let large: FakeUpstream;
    const replicas: Replica[] = [];

    const config = (): TandemConfigInput => ({
      server: { admin_key: ADMIN_KEY },
      store: backend === 'postgres' ? { type: 'postgres', url: TEST_DATABASE_URL, schema, pool_size: 3 } : { type: 'sqlite', path: join(dir, 'shared.db') },
      models: {
        teacher: fakeTeacherModel(teacher.url),
        small: { provider: 'openai-compatible', base_url: `${small.url}/v1`, model: 'llama', locality: 'local', timeout_ms: 5_000 },
        large: { provider: 'openai-compatible', base_url: `${large.url}/v1`, model: 'gpt-4o', api_key: 'sk-test', locality: 'cloud', timeout_ms: 5_000 },
      },
      routes: {
        [STUDENT_ROUTE]: {
          models: ['teacher'],
          task: {
            prompt_template: `${PREFIX}{input}`,
            labels: TEST_LABELS,
            label: { from: 'json', field: 'intent' },
            min_examples: 100_000,
            retrain_every: 100_000,
            shadow_fraction: 0,
          },
        },
        [LEARNED_ROUTE]: {
          models: ['small', 'large'],
          router: { type: 'learned', artifact: join(dir, 'file-scorer.json'), small: 'small', large: 'large' },
        },
      },
    });

    async function startReplica(): Promise<Replica> {
      const parsed = configSchema.parse(config());
      const store = await openStore(parsed.store, dir);
      const gateway = await Gateway.create({ config: parsed, baseDir: PACKAGE_ROOT, store });
      const server = await startServer(gateway, { host: '127.0.0.1', port: 0 });
      return { url: server.url, gateway, server, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 }) };
    }

    before(async () => {
      if (skip) return;
      teacher = await startFakeUpstream({
        '/v1/chat/completions': echoResponder({ answer: (body) => `{"intent": "${gold.get(lastUser(body).slice(PREFIX.length)) ?? 'lost_card'}"}` }),
      });
      small = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
      large = await startFakeUpstream({ '/v1/chat/completions': echoResponder() });
      await writeScorerArtifact(join(dir, 'file-scorer.json'), trainRouterArtifact({ examples: traffic(), name: 'file-scorer', llmShare: 0.5 }));
      replicas.push(await startReplica(), await startReplica());
    });

    after(async () => {
      for (const r of replicas) await r.server.close({ deadlineMs: 1_000 });
      await Promise.all([teacher?.close(), small?.close(), large?.close()]);
      await schemas.dropAll();
      rmSync(dir, { recursive: true, force: true });
    });

    const admin = async (r: Replica, method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (key !== null) headers.authorization = `Bearer ${key}`;
      const res = await fetch(`${r.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & { error?: { message: string; code: string | null; param: string | null } },
      };
    };

    /** The student version answering familiar inputs on a replica, or null when the teacher answers them all. */
    async function servingStudent(r: Replica): Promise<string | null> {
      for (const e of examples.slice(0, 6)) {
        const { data, response } = await r.client.chat.completions
          .create({ model: STUDENT_ROUTE, messages: [{ role: 'user', content: `${PREFIX}${e.input}` }] })
          .withResponse();
        const model = response.headers.get('x-tandem-model') ?? '';
        if (model.startsWith('student:')) {
          assert.deepEqual(JSON.parse(data.choices[0]?.message.content ?? ''), { intent: e.label });
          return model;
        }
      }
      return null;
    }

    async function scorerName(r: Replica): Promise<string> {
      const { response } = await r.client.chat.completions
        .create({ model: LEARNED_ROUTE, messages: [{ role: 'user', content: 'Say hello to Anna.' }] })
        .withResponse();
      return /learned:(\S+)/.exec(response.headers.get('x-tandem-route-reason') ?? '')?.[1] ?? '';
    }

    /** Polls `read` until it gives `want`; returns how long that took. */
    async function within(what: string, read: () => Promise<unknown>, want: unknown): Promise<number> {
      const started = Date.now();
      for (;;) {
        const got = await read();
        if (got === want) return Date.now() - started;
        if (Date.now() - started > PROPAGATION_MS) assert.fail(`${what}: still ${String(got)} after ${PROPAGATION_MS} ms, wanted ${String(want)}`);
        await sleep(50);
      }
    }

    test('a promotion or rollback through one replica reaches the other within 5 s, students and routers alike', { skip }, async () => {
      const [a, b] = replicas as [Replica, Replica];
      // Nothing registered: the teacher answers, the route uses its configured file.
      assert.equal(await servingStudent(b), null);
      assert.equal(await scorerName(b), 'file-scorer');
      const service = a.gateway.registry?.service;
      assert.ok(service);
      for (const [version, seed] of [
        [1, 11],
        [2, 12],
      ] as const) {
        await service.register(
          {
            kind: 'task-student',
            name: STUDENT_ROUTE,
            version,
            bytes: student(version, seed),
            createdAt: Date.now(),
            provenance: { dataset: 'generated', examples: 600 },
            metrics: {},
          },
          { actor: 'test' },
        );
        await service.register(
          {
            kind: 'router-scorer',
            name: LEARNED_ROUTE,
            bytes: scorerBytes(`registry-v${version}`),
            createdAt: Date.now(),
            provenance: { dataset: 'traffic', examples: 60 },
            metrics: {},
          },
          { actor: 'test' },
        );
      }
      const timings: Record<string, number> = {};
      for (const kind of ['task-student', 'router-scorer']) {
        const name = kind === 'task-student' ? STUDENT_ROUTE : LEARNED_ROUTE;
        const one = await admin(a, 'POST', `/admin/registry/${kind}/${name}/promote`, { version: 1, reason: 'first' });
        assert.equal(one.status, 200, JSON.stringify(one.body));
        assert.deepEqual([(one.body.entry as { version: number }).version, (one.body.entry as { status: string }).status], [1, 'live']);
      }
      // The replica that was asked serves the change before it answers.
      assert.equal(await servingStudent(a), `student:${STUDENT_ROUTE}@v1`);
      timings.studentPromote = await within('B serves student v1', () => servingStudent(b), `student:${STUDENT_ROUTE}@v1`);
      timings.scorerPromote = await within('B routes with registry-v1', () => scorerName(b), 'registry-v1');

      await admin(a, 'POST', `/admin/registry/task-student/${encodeURIComponent(STUDENT_ROUTE)}/promote`, { version: 2 });
      await admin(a, 'POST', `/admin/registry/router-scorer/${LEARNED_ROUTE}/promote`, { version: '2' });
      timings.studentPromote2 = await within('B serves student v2', () => servingStudent(b), `student:${STUDENT_ROUTE}@v2`);
      timings.scorerPromote2 = await within('B routes with registry-v2', () => scorerName(b), 'registry-v2');

      // Rolled back through B: A follows.
      const back = await admin(b, 'POST', `/admin/registry/task-student/${STUDENT_ROUTE}/rollback`, { reason: 'v2 misclassifies refunds' });
      assert.equal(back.status, 200, JSON.stringify(back.body));
      assert.deepEqual([(back.body.entry as { version: number }).version, (back.body.previous as { version: number }).version], [1, 2]);
      assert.equal((await admin(b, 'POST', `/admin/registry/router-scorer/${LEARNED_ROUTE}/rollback`)).status, 200);
      timings.studentRollback = await within('A serves student v1 again', () => servingStudent(a), `student:${STUDENT_ROUTE}@v1`);
      timings.scorerRollback = await within('A routes with registry-v1 again', () => scorerName(a), 'registry-v1');

      // Retiring the live student leaves the teacher answering everywhere; the route falls back to its file.
      await admin(a, 'POST', `/admin/registry/task-student/${STUDENT_ROUTE}/retire`, { version: 1 });
      await admin(a, 'POST', `/admin/registry/router-scorer/${LEARNED_ROUTE}/retire`, { version: 1 });
      timings.studentRetire = await within('B stops serving a student', () => servingStudent(b), null);
      timings.scorerRetire = await within('B routes with its file again', () => scorerName(b), 'file-scorer');
      console.log(`registry propagation on ${backend} (ms, poll every 1000 ms): ${JSON.stringify(timings)}`);

      // `tandem students` agrees with the registry.
      const students = await a.gateway.store.taskExamples.students(STUDENT_ROUTE);
      assert.deepEqual(students, [], 'students registered directly are not in task_students');
      // Every change is in the audit log, and every chain verifies.
      const verify = await admin(b, 'GET', '/admin/audit/verify');
      assert.equal(verify.status, 200);
      const chains = verify.body.chains as Array<{ broken?: unknown; records: number }>;
      assert.ok(chains.length >= 2 && chains.every((c) => c.broken === undefined), JSON.stringify(verify.body));
      const shown = await admin(a, 'GET', `/admin/registry/task-student/${STUDENT_ROUTE}`);
      assert.equal(shown.status, 200);
      const events = shown.body.events as Array<{ action: string; version: number; actor: string; reason: string | null }>;
      assert.deepEqual(
        events.map((e) => `${e.action} v${e.version}`),
        ['register v1', 'register v2', 'promote v1', 'retire v1', 'promote v2', 'retire v2', 'rollback v1', 'retire v1'],
      );
      assert.ok(events.some((e) => e.action === 'rollback' && e.actor === 'admin-api' && e.reason === 'v2 misclassifies refunds'));
      assert.equal(shown.body.live, null);
    });

    test('the admin API lists and shows, and refuses bad input with 400, 401, 404, 405 and 409 in its error format', { skip }, async () => {
      const [a] = replicas as [Replica];
      const list = await admin(a, 'GET', '/admin/registry?kind=router-scorer');
      assert.equal(list.status, 200);
      assert.deepEqual(
        (list.body.data as Array<{ version: number; status: string; sha256: string }>).map((e) => [e.version, e.status, e.sha256.length]),
        [
          [2, 'retired', 64],
          [1, 'retired', 64],
        ],
      );
      assert.equal(((await admin(a, 'GET', '/admin/registry/task-student')).body.data as unknown[]).length, 2);
      const cases: Array<[string, string, unknown, number, RegExp, string | null]> = [
        ['GET', '/admin/registry?kind=scorer', undefined, 400, /Unknown artifact kind "scorer"/, 'kind'],
        ['GET', '/admin/registry/scorer/x', undefined, 400, /Unknown artifact kind/, 'kind'],
        ['GET', '/admin/registry/task-student/nope', undefined, 404, /No task-student named "nope".*support\/intent/, 'name'],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, { version: 9 }, 404, /has no version 9 \(versions: 2, 1\)/, 'version'],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, {}, 400, /Send \{"version": <n>\}/, 'version'],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, { version: -1 }, 400, /whole number from 1/, 'version'],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, { version: 1, who: 'me' }, 400, /Unknown field "who"/, 'who'],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, '{"version":', 400, /not valid JSON/, null],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, [1], 400, /Send a JSON object/, null],
        ['POST', `/admin/registry/task-student/${STUDENT_ROUTE}/launch`, {}, 404, /names no registry action/, null],
        ['POST', '/admin/registry', {}, 405, /use GET/, null],
        ['POST', `/admin/registry/model/small/rollback`, {}, 404, /No model named "small"/, 'name'],
      ];
      for (const [method, path, body, status, message, param] of cases) {
        const res = await admin(a, method, path, body);
        assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.error?.message ?? '', message, path);
        assert.equal(res.body.error?.param ?? null, param, path);
      }
      // A canary: the live version stays live; a live version cannot be one.
      const canary = await admin(a, 'POST', `/admin/registry/task-student/${STUDENT_ROUTE}/canary`, { version: 2, reason: 'experiment' });
      assert.equal(canary.status, 200, JSON.stringify(canary.body));
      assert.equal((canary.body.entry as { status: string }).status, 'canary');
      // Nowhere to roll back to: 409.
      await a.gateway.registry?.service.register(
        { kind: 'model', name: 'small', bytes: new TextEncoder().encode('llama-3.2-1b-q4'), createdAt: Date.now(), provenance: {}, metrics: {} },
        { actor: 'test', live: true },
      );
      const conflict = await admin(a, 'POST', '/admin/registry/model/small/rollback');
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error?.code, 'registry_conflict');
      const liveCanary = await admin(a, 'POST', '/admin/registry/model/small/canary', { version: 1 });
      assert.equal(liveCanary.status, 409);
      assert.match(liveCanary.body.error?.message ?? '', /is live already/);
      // The admin key is required; an API caller without it learns nothing.
      const noKey = await admin(a, 'GET', '/admin/registry', undefined, null);
      assert.equal(noKey.status, 401);
      const wrong = await admin(a, 'POST', `/admin/registry/task-student/${STUDENT_ROUTE}/promote`, { version: 1 }, 'not-the-admin-key-at-all');
      assert.equal(wrong.status, 401);
      assert.equal(await a.gateway.store.registry.live('task-student', STUDENT_ROUTE), undefined, 'a refused promotion changes nothing');
    });
  });
}
