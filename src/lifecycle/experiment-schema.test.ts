/** The `experiment` and `drift` blocks: defaults, bounds, and references to models checked with the rest of the config. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchema } from '../config/schema.js';
import { resolveReferences } from '../config/resolve-references.js';
import { driftSchema, experimentSchema } from './experiment-schema.js';

const models = {
  live: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'm', locality: 'local' },
  cand: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'm', locality: 'local' },
} as const;

describe('experiment and drift config', () => {
  test('defaults', () => {
    const e = experimentSchema.parse({ candidate: 'cand' });
    assert.deepEqual(
      [e.share, e.sticky, e.metric, e.mode, e.margin, e.minimum_effect, e.alpha, e.min_samples, e.max_samples, e.guardrails.min_samples],
      [0.1, 'key', 'error_rate', 'superiority', 0, 0.05, 0.05, 100, 2_500, 20],
    );
    const d = driftSchema.parse({});
    assert.deepEqual([d.measure, d.threshold, d.window, d.reference, d.check_every, d.retrain], ['psi', undefined, 500, undefined, 50, 'suggest']);
  });

  test('out-of-range values are refused', () => {
    for (const bad of [{ share: 1 }, { share: 0 }, { alpha: 0.6 }, { metric: 'vibes' }, { name: 'has space' }, { min_samples: 1 }]) {
      assert.equal(experimentSchema.safeParse({ candidate: 'cand', ...bad }).success, false, JSON.stringify(bad));
    }
    assert.equal(driftSchema.safeParse({ window: 10 }).success, false);
    assert.equal(driftSchema.safeParse({ retrain: 'sometimes' }).success, false);
  });

  test('an unknown candidate, and a control outside the route, are config issues', () => {
    const config = configSchema.parse({
      models,
      routes: { chat: { models: ['live'], experiment: { candidate: 'nope', control: 'cand' } } },
    });
    const paths = resolveReferences(config).issues.map((i) => i.path);
    assert.ok(paths.includes('routes.chat.experiment.candidate'), paths.join(', '));
    assert.ok(paths.includes('routes.chat.experiment.control'), paths.join(', '));
    const fine = configSchema.parse({ models, routes: { chat: { models: ['live'], experiment: { candidate: 'cand' } } } });
    assert.deepEqual(resolveReferences(fine).issues, []);
  });
});
