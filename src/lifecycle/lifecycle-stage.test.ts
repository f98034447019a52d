/**
 * The lifecycle stage on planned requests: the candidate arm gets the candidate model first with the
 * route's fallbacks behind it; a request the route's policies keep off the candidate (a sensitive request
 * and a cloud candidate) stays on the live model and out of the experiment; requests the router sends
 * elsewhere are not in it; finished requests reach their arm through the observer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { policyContextFor } from '../gateway/policy-context.js';
import { modelInfoFromConfig } from '../providers/create-provider-adapter.js';
import { LatencyTracker } from '../routing/latency-tracker.js';
import { planRoute } from '../routing/plan-route.js';
import { buildRoute } from '../routing/route-runtime.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import { makeRecord } from '../store/request-log.contract.js';
import { memoryExperimentStore } from './experiment-store-memory.js';
import { LifecycleStage } from './lifecycle-stage.js';
import { memoryTaskExampleStore } from '../store/task-examples-memory.js';

const configFor = (metric: string) =>
  configSchema.parse({
    models: {
      local: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'm', locality: 'local' },
      backup: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'm', locality: 'local' },
      cloud: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:2/v1', model: 'g', locality: 'cloud', api_key: 'sk-x' },
    },
    routes: {
      chat: {
        models: ['local', 'backup'],
        policies: [{ type: 'privacy' }],
        experiment: { candidate: 'cloud', share: 0.5, sticky: 'user', min_samples: 5, metric },
      },
    },
  });

async function setup(metric = 'error_rate') {
  const config = configFor(metric);
  const models = new Map<string, ModelInfo>(Object.entries(config.models).map(([name, m]) => [name, modelInfoFromConfig(name, m)]));
  const routeConfig = config.routes.chat;
  assert.ok(routeConfig);
  const route = await buildRoute({ name: 'chat', config: routeConfig, models, baseDir: process.cwd() });
  const stage = await LifecycleStage.create({ config, experiments: memoryExperimentStore(), taskExamples: memoryTaskExampleStore(), models, log: () => {} });
  assert.ok(stage);
  return { route, stage };
}

function request(user: string, text = 'hello there'): ChatRequest {
  return { model: 'chat', messages: [{ role: 'user', content: text }], stream: false, includeUsage: false, params: { user }, extra: {} } as ChatRequest;
}

describe('lifecycle stage', () => {
  test('candidate arm: candidate first, fallbacks kept; control arm unchanged; outcomes reach the arms', async () => {
    const { route, stage } = await setup();
    const experiment = stage.experiments.get('chat');
    assert.ok(experiment);
    const arms = { control: 0, candidate: 0 };
    for (let i = 0; i < 40; i++) {
      const req = request(`u${i}`);
      const ctx = policyContextFor(req, {}, new LatencyTracker());
      const planned = await planRoute(route, req, ctx);
      const plan = stage.plan(planned, req, `req-${i}`, { keyId: null }, ctx);
      const arm = experiment.assign(`u${i}`);
      arms[arm]++;
      assert.deepEqual(
        plan.order.map((m) => m.name),
        arm === 'candidate' ? ['cloud', 'local', 'backup'] : ['local', 'backup'],
      );
      const model = plan.order[0]?.name ?? '';
      stage.observer.onRequestFinished(makeRecord({ id: `req-${i}`, route: 'chat', model, status: 200, attempts: [{ model, error: null, durationMs: 5 }] }));
    }
    assert.ok(arms.candidate > 5 && arms.control > 5);
    assert.equal(experiment.state.arms.candidate.requests, arms.candidate);
    assert.equal(experiment.state.arms.control.requests, arms.control);
    await stage.close();
  });

  test('a sensitive request never goes to a cloud candidate and is not counted', async () => {
    const { route, stage } = await setup();
    const experiment = stage.experiments.get('chat');
    let candidateUsers = 0;
    for (let i = 0; i < 20; i++) {
      const req = request(`s${i}`);
      if (experiment?.assign(`s${i}`) === 'candidate') candidateUsers++;
      const ctx = policyContextFor(req, { 'x-tandem-sensitive': 'true' }, new LatencyTracker());
      const plan = stage.plan(await planRoute(route, req, ctx), req, `s-${i}`, { keyId: null }, ctx);
      assert.equal(plan.order[0]?.name, 'local');
      assert.ok(!plan.order.some((m) => m.name === 'cloud'));
    }
    assert.ok(candidateUsers > 0);
    assert.equal(experiment?.state.arms.candidate.requests, 0);
    await stage.close();
  });

  test('feedback counts for the arm whose model answered, only while running and after the start', async () => {
    const { stage } = await setup('feedback_score');
    const experiment = stage.experiments.get('chat');
    assert.ok(experiment);
    const now = Date.now();
    stage.feedback({ route: 'chat', model: 'cloud', time: now }, { score: 0.75, correct: null });
    stage.feedback({ route: 'chat', model: 'local', time: now }, { score: null, correct: false });
    stage.feedback({ route: 'chat', model: 'backup', time: now }, { score: 1, correct: null });
    stage.feedback({ route: 'chat', model: 'cloud', time: experiment.state.startedAt - 1 }, { score: 1, correct: null });
    stage.feedback({ route: 'other', model: 'cloud', time: now }, { score: 1, correct: null });
    stage.feedback({ route: 'chat', model: 'cloud', time: now }, { score: null, correct: null });
    assert.deepEqual([experiment.state.arms.candidate.n, experiment.state.arms.candidate.sum], [1, 0.75]);
    assert.deepEqual([experiment.state.arms.control.n, experiment.state.arms.control.sum], [1, 0]);
    await stage.close();
    const { stage: errors } = await setup('error_rate');
    errors.feedback({ route: 'chat', model: 'cloud', time: Date.now() }, { score: 1, correct: null });
    assert.equal(errors.experiments.get('chat')?.state.arms.candidate.n, 0);
    await errors.close();
  });
});
