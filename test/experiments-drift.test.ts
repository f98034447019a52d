/**
 * Experiments and drift end to end over real HTTP with the official `openai` client (docs/lifecycle.md):
 * a candidate model that fails less than the live one is promoted by the sequential test by itself, shows
 * per arm in /metrics and GET /admin/experiments, and gets no traffic after its decision; scores sent to
 * POST /v1/feedback count for the arm that answered; a task route's
 * Banking77 traffic followed by CLINC150 traffic raises its drift gauges in /metrics, and not before. On
 * SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TEST_LABELS } from '../src/distill/testing-examples.js';
import { seededRandom } from '../src/quality/eval/routing-metrics.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import type { TandemConfigInput } from '../src/config/schema.js';
import { echoResponder } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-0123456789abcdef';
const TASK_ROUTE = 'support/intent';
const PREFIX = 'Which intent is this support message? Reply in JSON.\nMessage: ';
const SHARED = new URL('../../shared/data/intents/', import.meta.url);

/** Seeded shuffle: the CSV is grouped by intent, and real traffic is not. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const bankRows = readFileSync(new URL('banking77/train.csv', SHARED), 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => line.slice(0, line.lastIndexOf(',')).replace(/^"|"$/g, ''));
const bank = shuffled(bankRows, 18);
const clinc = shuffled(
  (JSON.parse(readFileSync(new URL('clinc150/data_full.json', SHARED), 'utf8')) as { train: Array<[string, string]> }).train.map(([t]) => t),
  19,
);

async function admin(h: Harness, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${h.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } });
}

async function metrics(h: Harness): Promise<string> {
  const res = await admin(h, '/metrics');
  assert.equal(res.status, 200);
  return res.text();
}

function gauge(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((p) => l.includes(p)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function suite(name: string, store: TandemConfigInput['store'], skip: string | false): void {
  describe(`experiments and drift over HTTP (${name})`, { skip }, () => {
    let live: FakeUpstream;
    let candidate: FakeUpstream;
    let teacher: FakeUpstream;
    let h: Harness;
    let liveCalls = 0;

    before(async () => {
      const echo = echoResponder();
      // The live model fails every fourth request; the candidate never does.
      live = await startFakeUpstream({
        '/v1/chat/completions': (r) => (++liveCalls % 4 === 0 ? { status: 500, body: { error: { message: 'boom', type: 'server_error' } } } : echo(r)),
      });
      candidate = await startFakeUpstream({ '/v1/chat/completions': echo });
      teacher = await startFakeUpstream({ '/v1/chat/completions': echoResponder({ answer: () => '{"intent": "card_arrival"}' }) });
      const base = twoModelConfig(live.url, live.url);
      const model = (url: string) => ({
        provider: 'openai-compatible' as const,
        base_url: `${url}/v1`,
        model: 'gpt-4o',
        api_key: 'sk-test',
        locality: 'cloud' as const,
        pricing: { input_per_1m: 2.5, output_per_1m: 10 },
        capabilities: { json: true },
        timeout_ms: 2_000,
      });
      h = await startGateway({
        ...base,
        ...(store === undefined ? {} : { store }),
        server: { admin_key: ADMIN_KEY },
        models: { live: model(live.url), candidate: model(candidate.url), teacher: model(teacher.url) },
        routes: {
          chat: {
            models: ['live'],
            retry: { max_attempts: 1 },
            experiment: { candidate: 'candidate', share: 0.5, sticky: 'user', metric: 'error_rate', min_samples: 40, minimum_effect: 0.1, max_samples: 1_000 },
          },
          rated: {
            models: ['live'],
            experiment: { candidate: 'candidate', share: 0.5, sticky: 'request', metric: 'feedback_score', min_samples: 50, max_samples: 10_000 },
          },
          [TASK_ROUTE]: {
            models: ['teacher'],
            task: { prompt_template: `${PREFIX}{input}`, labels: TEST_LABELS, label: { from: 'json', field: 'intent' }, min_examples: 100_000 },
            drift: { reference_size: 300, window: 200, check_every: 10, threshold: 0.5 },
          },
        },
      });
    });
    after(async () => {
      await h?.close();
      await Promise.all([live?.close(), candidate?.close(), teacher?.close()]);
    });

    test('the candidate that fails less is promoted by the sequential test, then gets no traffic', async () => {
      let sent = 0;
      for (; sent < 1_500; sent++) {
        await h.client.chat.completions
          .create({ model: 'chat', user: `user-${sent}`, messages: [{ role: 'user', content: `hello ${sent}` }] })
          .catch(() => undefined);
        if (sent % 20 === 19 && !h.gateway.lifecycle?.experiments.get('chat')?.running) break;
      }
      const res = await admin(h, '/admin/experiments?name=chat:candidate');
      assert.equal(res.status, 200);
      const { experiment } = (await res.json()) as {
        experiment: Record<string, unknown> & { control: { observations: number; mean: number }; candidate: { observations: number; mean: number } };
      };
      assert.equal(experiment.status, 'promoted', JSON.stringify(experiment));
      assert.match(String(experiment.reason), /sequential test: candidate better/);
      assert.ok(experiment.candidate.mean < experiment.control.mean);
      assert.ok((experiment.lower as number) > 0);
      const text = await metrics(h);
      assert.equal(gauge(text, 'tandem_experiment_status', 'experiment="chat:candidate"'), 1);
      assert.equal(gauge(text, 'tandem_experiment_observations', 'arm="candidate"'), experiment.candidate.observations);
      assert.ok((gauge(text, 'tandem_experiment_errors', 'arm="control"') ?? 0) > 0);
      // Decided: every later request goes to the live model.
      const before = candidate.requests.length;
      for (let i = 0; i < 20; i++)
        await h.client.chat.completions.create({ model: 'chat', user: `later-${i}`, messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
      assert.equal(candidate.requests.length, before);
      // Stored for `tandem experiments` and a restart.
      await h.gateway.lifecycle?.sync();
      assert.equal((await h.gateway.store.experiments.get('chat:candidate'))?.status, 'promoted');
      const list = (await (await admin(h, '/admin/experiments')).json()) as { experiments: Array<{ name: string }> };
      assert.deepEqual(list.experiments.map((e) => e.name).sort(), ['chat:candidate', 'rated:candidate']);
    });

    test('admin API: unknown experiment is a 404, a missing name a 400, a decided one cannot be stopped (409)', async () => {
      assert.equal((await admin(h, '/admin/experiments?name=nope')).status, 404);
      assert.equal((await admin(h, '/admin/experiments/stop', { method: 'POST', body: '{}' })).status, 400);
      assert.equal((await admin(h, '/admin/experiments/stop', { method: 'POST', body: JSON.stringify({ name: 'nope' }) })).status, 404);
      assert.equal((await admin(h, '/admin/experiments/stop', { method: 'POST', body: JSON.stringify({ name: 'chat:candidate' }) })).status, 409);
      assert.equal((await fetch(`${h.url}/admin/experiments`)).status, 401);
    });

    test('feedback scores (POST /v1/feedback) count for the arm whose model answered', async () => {
      liveCalls = 0;
      const answered: Array<{ id: string; model: string }> = [];
      for (let i = 0; i < 12; i++) {
        // Every fourth call to the live upstream fails; only answered requests can be rated.
        const res = await h.client.chat.completions
          .create({ model: 'rated', messages: [{ role: 'user', content: `rate me ${i}` }] })
          .withResponse()
          .catch(() => null);
        if (res) answered.push({ id: res.response.headers.get('x-request-id') ?? '', model: res.response.headers.get('x-tandem-model') ?? '' });
      }
      const byModel = { live: 0, candidate: 0 };
      for (const { id, model } of answered) {
        const score = model === 'candidate' ? 1 : 0.25;
        const res = await fetch(`${h.url}/v1/feedback`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ request_id: id, score }),
        });
        assert.equal(res.status, 200, await res.text());
        byModel[model as 'live' | 'candidate']++;
      }
      const experiment = h.gateway.lifecycle?.experiments.get('rated');
      assert.ok(experiment);
      assert.ok(byModel.live > 0 && byModel.candidate > 0, JSON.stringify(byModel));
      assert.equal(experiment.state.arms.candidate.n, byModel.candidate);
      assert.equal(experiment.state.arms.control.n, byModel.live);
      assert.equal(experiment.state.arms.candidate.sum, byModel.candidate);
      assert.equal(experiment.state.arms.control.sum, byModel.live * 0.25);
    });

    test("a task route's shift from Banking77 to CLINC150 shows in /metrics as drift, not before", async () => {
      const ask = (text: string) => h.client.chat.completions.create({ model: TASK_ROUTE, messages: [{ role: 'user', content: `${PREFIX}${text}` }] });
      for (const text of bank.slice(0, 600)) await ask(text);
      let text = await metrics(h);
      assert.equal(gauge(text, 'tandem_drift_detected', `route="${TASK_ROUTE}",kind="input"`), 0);
      const before = gauge(text, 'tandem_drift_input_score', `route="${TASK_ROUTE}",measure="psi"`);
      assert.ok(before !== undefined && before < 0.5, `psi before the shift ${before}`);
      for (const t of clinc.slice(0, 200)) await ask(t);
      text = await metrics(h);
      assert.equal(gauge(text, 'tandem_drift_detected', `route="${TASK_ROUTE}",kind="input"`), 1);
      assert.equal(gauge(text, 'tandem_drift_alerts', `route="${TASK_ROUTE}",kind="input"`), 1);
      assert.ok((gauge(text, 'tandem_drift_input_score', `route="${TASK_ROUTE}",measure="psi"`) ?? 0) > 0.5);
    });
  });
}

const pgSkip = await postgresSkipReason();
const schemas = testSchemas();
after(() => schemas.dropAll());

suite('SQLite', undefined, false);
suite('PostgreSQL', { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create() }, pgSkip);
