/**
 * GET /admin/dashboard/models over real HTTP (the dashboard's Models panel): admin key required (401 in
 * OpenAI's error format without it, even with an API key), a route's running model experiment with each
 * arm's n and mean and the sequential test's bounds, its drift monitor against the threshold, and registry
 * versions (live and canary shown, the rest counted; versioned models apart). Task student canaries are
 * covered in test/student-canary.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DashboardModels } from '../src/api/admin-dashboard-models-types.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-0123456789abcdef';
let live: FakeUpstream;
let candidate: FakeUpstream;
let h: Harness;

before(async () => {
  live = await startEchoUpstream();
  candidate = await startEchoUpstream();
  const model = (url: string) => ({
    provider: 'openai-compatible' as const,
    base_url: `${url}/v1`,
    model: 'm',
    api_key: 'sk-test',
    locality: 'cloud' as const,
  });
  h = await startGateway(
    {
      server: { admin_key: ADMIN_KEY, api_keys: ['client-key-1'] },
      models: { live: model(live.url), candidate: model(candidate.url) },
      routes: {
        chat: {
          models: ['live'],
          experiment: { candidate: 'candidate', share: 0.5, sticky: 'request', metric: 'latency_ms', min_samples: 1_000, max_samples: 5_000 },
          drift: { window: 50, reference_size: 50, check_every: 10 },
        },
        plain: { models: ['live'] },
      },
    },
    { apiKey: 'client-key-1' },
  );
});

after(async () => {
  await h?.close();
  await Promise.all([live?.close(), candidate?.close()]);
});

async function models(key: string | null): Promise<Response> {
  return fetch(`${h.url}/admin/dashboard/models`, key === null ? {} : { headers: { authorization: `Bearer ${key}` } });
}

test('the admin key is required', async () => {
  for (const key of [null, 'client-key-1']) {
    const res = await models(key);
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { message: string; type: string } };
    assert.equal(typeof body.error.message, 'string');
  }
});

test('a route shows its running experiment per arm with the bounds, its drift, and its registry versions', async () => {
  for (let i = 0; i < 120; i++)
    await h.client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `question number ${i} about ${i % 7}` }] });
  const service = h.gateway.registry?.service;
  assert.ok(service);
  const bytes = (text: string) => new TextEncoder().encode(text);
  for (const v of [1, 2, 3]) {
    await service.register(
      {
        kind: 'router-scorer',
        name: 'chat',
        bytes: bytes(`scorer ${v}`),
        createdAt: Date.now(),
        provenance: {},
        metrics: { apgr: 0.5 + v / 10, nested: { x: 1 } },
      },
      { actor: 'test', live: v === 2 },
    );
  }
  await service.canary({ kind: 'router-scorer', name: 'chat', version: 3 }, { actor: 'test' });
  await service.register(
    { kind: 'model', name: 'my-llama-ft', bytes: bytes('gguf'), createdAt: Date.now(), provenance: {}, metrics: {} },
    { actor: 'test', live: true },
  );

  const res = await models(ADMIN_KEY);
  assert.equal(res.status, 200);
  const body = (await res.json()) as DashboardModels;
  assert.deepEqual(
    body.routes.map((r) => r.route),
    ['chat'],
    'routes without experiments, drift, tasks, learned routers or registry versions are left out',
  );
  const chat = body.routes[0];
  assert.ok(chat);
  assert.deepEqual(
    chat.registry.map((v) => `${v.kind} v${v.version} ${v.status}`),
    ['router-scorer v3 canary', 'router-scorer v2 live'],
  );
  assert.equal(chat.otherVersions, 1);
  assert.deepEqual(chat.registry[1]?.metrics, { apgr: 0.7 }, 'nested metrics are left out');
  assert.deepEqual(
    body.models.map((v) => `${v.name} v${v.version} ${v.status}`),
    ['my-llama-ft v1 live'],
  );

  const [experiment] = chat.experiments;
  assert.ok(experiment);
  assert.deepEqual(
    [experiment.name, experiment.kind, experiment.metric, experiment.status, experiment.share],
    ['chat:candidate', 'model', 'latency_ms', 'running', 0.5],
  );
  const runtime = h.gateway.lifecycle?.experiments.get('chat');
  assert.ok(runtime);
  assert.equal(experiment.control.n + experiment.candidate.n, 120);
  assert.equal(experiment.control.n, runtime.state.arms.control.n);
  assert.equal(experiment.candidate.mean, runtime.state.arms.candidate.sum / runtime.state.arms.candidate.n);
  assert.ok(experiment.lower !== null && experiment.upper !== null && experiment.estimate !== null);
  assert.ok(experiment.lower <= experiment.estimate && experiment.estimate <= experiment.upper);

  const monitor = h.gateway.lifecycle?.drift.get('chat');
  assert.ok(chat.drift && monitor);
  assert.deepEqual(
    [chat.drift.measure, chat.drift.threshold, chat.drift.window, chat.drift.requests, chat.drift.psi, chat.drift.js, chat.drift.inputAlert],
    ['psi', 0.3, 50, 120, monitor.psi, monitor.js, monitor.inputDrift],
  );
  assert.notEqual(chat.drift.psi, null, 'measured once the window filled after the reference');
  assert.equal(chat.students, null, 'not a task route');
});
