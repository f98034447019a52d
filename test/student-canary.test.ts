/**
 * Student canaries end to end over real HTTP with the official `openai` client (docs/lifecycle.md#student-canaries):
 * a task route's live student learned a mistake of its teacher (a fake upstream on loopback); the teacher is
 * fixed. A deliberately worse student put in a canary through the admin API is rolled back by the sequential
 * test on shadow agreement, and retired in the registry; then retraining registers a better student as a
 * canary (never swapping it in), which the test promotes, and the route serves it to everyone. The
 * statistics show in GET /admin/experiments and in the dashboard's GET /admin/dashboard/models. On SQLite
 * and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DashboardModels, RouteModels } from '../src/api/admin-dashboard-models-types.js';
import { decodeArtifact, encodeArtifact } from '../src/distill/student-artifact.js';
import { canaryExperimentName } from '../src/distill/student-canary.js';
import type { DistillingTaskStage } from '../src/distill/task-stage.js';
import { generatedExamples, TEST_LABELS, fakeTeacherModel } from '../src/distill/testing-examples.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import type { TandemConfigInput } from '../src/config/schema.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-0123456789abcdef';
const ROUTE = 'support/intent';
const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';
const examples = generatedExamples(400, 5);
const gold = new Map(examples.map((e) => [e.input, e.label]));
/** Until fixed, the teacher calls a lost card a card arrival: the first student learns that. */
let teacherFixed = false;

function teacherAnswer(prompt: string): string {
  const input = prompt.startsWith(PREFIX) ? prompt.slice(PREFIX.length) : prompt;
  const label = gold.get(input) ?? 'lost_card';
  return `{"intent": "${!teacherFixed && label === 'lost_card' ? 'card_arrival' : label}"}`;
}

let teacher: FakeUpstream;
let h: Harness;

async function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${h.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } });
}

async function ask(input: string, user: string): Promise<string | null> {
  const { data, response } = await h.client.chat.completions
    .create({ model: ROUTE, user, messages: [{ role: 'user', content: `${PREFIX}${input}` }] })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  return response.headers.get('x-tandem-model');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface ArmJson {
  model: string;
  observations: number;
  mean: number | null;
}
interface ExperimentJson {
  name: string;
  status: string;
  metric: string;
  reason: string | null;
  control: ArmJson;
  candidate: ArmJson;
}

async function experiment(name: string): Promise<ExperimentJson | undefined> {
  const res = await admin(`/admin/experiments?name=${encodeURIComponent(name)}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200);
  return ((await res.json()) as { experiment: ExperimentJson }).experiment;
}

/** Asks the route (users cycling) until the canary's experiment decided; returns which students answered. */
async function runCanary(name: string): Promise<{ experiment: ExperimentJson; answeredBy: Map<string, number> }> {
  const answeredBy = new Map<string, number>();
  for (let i = 0; i < 1_500; i++) {
    const e = examples[i % 300] as { input: string };
    const model = (await ask(e.input, `user-${i % 40}`)) ?? 'none';
    answeredBy.set(model, (answeredBy.get(model) ?? 0) + 1);
    if (i % 10 === 9 && (await experiment(name))?.status !== 'running') break;
  }
  let state: ExperimentJson | undefined;
  await waitFor(`a decision of ${name}`, async () => (state = await experiment(name))?.status !== 'running');
  return { experiment: state as ExperimentJson, answeredBy };
}

/** The dashboard's Models panel data for the task route; also checks the admin key is required. */
async function models(): Promise<RouteModels> {
  const refused = await fetch(`${h.url}/admin/dashboard/models`);
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as { error: { type: string } }).error.type !== undefined, true);
  const res = await admin('/admin/dashboard/models');
  assert.equal(res.status, 200);
  const body = (await res.json()) as DashboardModels;
  const route = body.routes.find((r) => r.route === ROUTE);
  assert.ok(route, JSON.stringify(body));
  return route;
}

async function registryStatus(version: number): Promise<string | undefined> {
  const res = await admin(`/admin/registry/task-student/${encodeURIComponent(ROUTE)}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { versions: Array<{ version: number; status: string }> };
  return body.versions.find((v) => v.version === version)?.status;
}

function suite(name: string, store: TandemConfigInput['store'], skip: string | false): void {
  describe(`student canaries over HTTP (${name})`, { skip }, () => {
    before(async () => {
      teacherFixed = false;
      teacher = await startFakeUpstream({ '/v1/chat/completions': echoResponder({ answer: (body) => teacherAnswer(lastUser(body)) }) });
      h = await startGateway({
        ...(store === undefined ? {} : { store }),
        server: { admin_key: ADMIN_KEY },
        models: {
          teacher: fakeTeacherModel(teacher.url),
        },
        routes: {
          [ROUTE]: {
            models: ['teacher'],
            task: {
              prompt_template: `${PREFIX}{input}`,
              labels: TEST_LABELS,
              label: { from: 'json', field: 'intent' },
              min_examples: 300,
              retrain_every: 100_000,
              shadow_fraction: 1,
              // The live student's agreement falls to ~75% once the teacher is fixed: it must stay live for the comparison.
              demotion: { min_checks: 100_000 },
              canary: { share: 0.5, sticky: 'user', shadow_fraction: 1, mode: 'superiority', minimum_effect: 0.2, min_samples: 20, max_samples: 1_000 },
            },
            drift: { measure: 'psi', window: 50, reference: 'first_requests', reference_size: 50, check_every: 10, retrain: 'off' },
          },
        },
      });
    });

    after(async () => {
      await h?.close();
      await teacher?.close();
    });

    test('a worse student canary is rolled back and a better retrained one promoted, by the sequential test on shadow agreement', async (t) => {
      const store = h.gateway.store.taskExamples;
      // 1. The teacher answers; its (partly wrong) labels train v1, which goes live: nothing to compare it with.
      for (const e of examples.slice(0, 310)) assert.equal(await ask(e.input, 'warm-up'), 'teacher');
      await waitFor('the first student', async () => (await h.gateway.store.registry.live('task-student', ROUTE))?.version === 1);
      teacherFixed = true;

      // 2. A deliberately worse student: v1 with two intents' names swapped, put in a canary through the admin API.
      const v1 = decodeArtifact((await h.gateway.store.registry.bytes('task-student', ROUTE, 1)) as Uint8Array);
      const labels = [...v1.labels];
      [labels[0], labels[1]] = [labels[1] as string, labels[0] as string];
      const worse = encodeArtifact({ ...v1, version: 2, labels });
      await store.saveStudent({ route: ROUTE, version: 2, createdAt: Date.now(), status: 'candidate', metrics: {}, artifact: worse });
      await h.gateway.registry?.service.register(
        { kind: 'task-student', name: ROUTE, version: 2, bytes: worse, createdAt: Date.now(), provenance: { dataset: 'test: swapped labels' }, metrics: {} },
        { actor: 'test' },
      );
      const canaried = await admin(`/admin/registry/task-student/${encodeURIComponent(ROUTE)}/canary`, {
        method: 'POST',
        body: JSON.stringify({ version: 2 }),
      });
      assert.equal(canaried.status, 200, await canaried.clone().text());
      const worseName = canaryExperimentName(ROUTE, 2);
      await waitFor('the canary to start', async () => (await experiment(worseName))?.status === 'running');
      // The dashboard's Models panel sees the canary running, with no observations yet.
      const starting = await models();
      assert.deepEqual(starting.students?.canary && [starting.students.canary.version, starting.students.canary.share, starting.students.canary.running], [
        2,
        0.5,
        true,
      ]);
      assert.equal(starting.students?.live?.version, 1);
      assert.deepEqual(
        starting.registry.map((v) => `${v.kind} v${v.version} ${v.status}`),
        ['task-student v2 canary', 'task-student v1 live'],
      );
      const runningView = starting.experiments.find((e) => e.name === worseName);
      assert.deepEqual(runningView && [runningView.kind, runningView.status, runningView.share, runningView.metric], ['student', 'running', 0.5, 'agreement']);
      const scraped = await (await admin('/metrics')).text();
      assert.match(scraped, new RegExp(`tandem_experiment_status\\{experiment="${worseName}",route="${ROUTE}"\\} 0`));

      const rolled = await runCanary(worseName);
      t.diagnostic(`worse canary: ${JSON.stringify(Object.fromEntries(rolled.answeredBy))} ${rolled.experiment.reason}`);
      assert.equal(rolled.experiment.status, 'rolled_back', JSON.stringify(rolled.experiment));
      assert.equal(rolled.experiment.metric, 'agreement');
      assert.ok((rolled.experiment.candidate.mean ?? 1) < (rolled.experiment.control.mean ?? 0), JSON.stringify(rolled.experiment));
      assert.ok((rolled.answeredBy.get(`student:${ROUTE}@v2`) ?? 0) > 0, 'the canary answered some requests');
      assert.ok((rolled.answeredBy.get(`student:${ROUTE}@v1`) ?? 0) > 0, 'the live student answered the rest');
      await waitFor('v2 retired in the registry', async () => (await registryStatus(2)) === 'retired');
      assert.equal(await registryStatus(1), 'live');
      // Every training input again: the shadow checks capture the fixed teacher's labels.
      for (const e of examples.slice(0, 300)) assert.notEqual(await ask(e.input, 'after-rollback'), `student:${ROUTE}@v2`);
      await waitFor(
        'the shadow checks',
        async () => h.gateway.tasks !== null && (h.gateway.tasks as DistillingTaskStage).routes.get(ROUTE)?.shadowInFlight === 0,
      );

      // 3. Retraining on the fixed teacher's labels (the shadow checks captured them): v3 beats v1 offline and becomes a canary, not live.
      const report = await (h.gateway.tasks as DistillingTaskStage).train(ROUTE);
      assert.deepEqual([report?.version, report?.promoted, report?.canary], [3, false, true]);
      assert.equal(await registryStatus(3), 'canary');
      assert.equal(await registryStatus(1), 'live');
      const betterName = canaryExperimentName(ROUTE, 3);
      await waitFor('the retrained canary to start', async () => (await experiment(betterName))?.status === 'running');
      const promoted = await runCanary(betterName);
      t.diagnostic(`better canary: ${JSON.stringify(Object.fromEntries(promoted.answeredBy))} ${promoted.experiment.reason}`);
      assert.equal(promoted.experiment.status, 'promoted', JSON.stringify(promoted.experiment));
      assert.ok((promoted.experiment.candidate.mean ?? 0) > (promoted.experiment.control.mean ?? 1), JSON.stringify(promoted.experiment));
      await waitFor('v3 live in the registry', async () => (await registryStatus(3)) === 'live');
      assert.equal(await registryStatus(1), 'retired');
      await waitFor('the route serving v3', async () => (await ask(examples[2]?.input as string, 'after-promotion')) === `student:${ROUTE}@v3`);
      for (const e of examples.slice(0, 40)) assert.ok([`student:${ROUTE}@v3`, 'teacher'].includes((await ask(e.input, `u${e.input.length}`)) ?? ''));

      // The Models panel: v3 live, both canaries with each arm's n and mean, drift measured against its threshold.
      const end = await models();
      assert.deepEqual(
        end.registry.map((v) => `${v.kind} v${v.version} ${v.status}`),
        ['task-student v3 live'],
      );
      assert.equal(end.otherVersions, 2);
      assert.equal(typeof end.registry[0]?.metrics.coverage, 'number');
      assert.deepEqual(end.students?.live?.version, 3);
      assert.equal(end.students?.canary, null);
      const shown = new Map(end.experiments.map((e) => [e.name, e]));
      assert.equal(shown.get(worseName)?.status, 'rolled_back');
      assert.equal(shown.get(betterName)?.status, 'promoted');
      assert.equal(shown.get(betterName)?.candidate.n, promoted.experiment.candidate.observations);
      assert.equal(shown.get(betterName)?.candidate.mean, promoted.experiment.candidate.mean);
      assert.ok(end.drift && end.drift.threshold === 0.3 && end.drift.window === 50 && end.drift.psi !== null, JSON.stringify(end.drift));
      assert.equal(end.drift.inputAlert, end.drift.psi > 0.3);

      // Both canaries are in the experiment list, with their decisions.
      const list = (await (await admin('/admin/experiments')).json()) as { experiments: ExperimentJson[] };
      assert.deepEqual(
        list.experiments
          .filter((e) => e.name.startsWith('student-canary:'))
          .map((e) => `${e.name} ${e.status}`)
          .sort(),
        [`${worseName} rolled_back`, `${betterName} promoted`],
      );
    });
  });
}

const pgSkip = await postgresSkipReason();
const schemas = testSchemas();
after(() => schemas.dropAll());

suite('SQLite', undefined, false);
suite('PostgreSQL', { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create() }, pgSkip);
