/** Flow routes in tandem.yaml: what loads, and the errors a broken flow gets (with the path to the key). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../config/config-error.js';
import { parseConfigText } from '../config/load-config.js';

const models = `models:
  small: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", locality: local }
  large: { provider: openai-compatible, base_url: "http://127.0.0.1:2/v1", locality: cloud }
  other: { provider: openai-compatible, base_url: "http://127.0.0.1:3/v1", locality: cloud }
`;

function issues(yaml: string): string[] {
  try {
    parseConfigText(models + yaml, { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

test('a triage-act route loads with its defaults', () => {
  const { config } = parseConfigText(
    `${models}routes:
  support:
    models: [large, small]
    flow:
      type: triage-act
      triage: { model: large, prompt: "{{input}}" }
      schema: { type: object, properties: { intent: { type: string } } }
      actions: { refund: { model: small, prompt: "refund {{fields.order}}" } }
`,
    { env: {} },
  );
  const flow = config.routes.support?.flow;
  assert.equal(flow?.type, 'triage-act');
  assert.equal(flow?.type === 'triage-act' && flow.intent_field, 'intent');
});

test('a step model outside the route, a flow as a step route, a step with two targets and a non-object schema are refused', () => {
  const found = issues(`routes:
  plain: { models: [small] }
  nested:
    models: [small]
    flow: { type: plan-execute-synthesise, planner: { model: small, prompt: p }, executor: { model: small, prompt: e }, synthesiser: { model: small, prompt: s } }
  broken:
    models: [large, small]
    flow:
      type: plan-execute-synthesise
      planner: { model: other, prompt: p }
      executor: { route: nested, prompt: e }
      synthesiser: { model: small, models: [large], prompt: s }
`);
  assert.ok(
    found.some((i) => i.startsWith('routes.broken.flow.synthesiser') && i.includes('exactly one of `model`, `models` or `route`')),
    found.join('\n'),
  );
  const refs = issues(`routes:
  nested:
    models: [small]
    flow: { type: plan-execute-synthesise, planner: { model: small, prompt: p }, executor: { model: small, prompt: e }, synthesiser: { model: small, prompt: s } }
  broken:
    models: [large, small]
    flow:
      type: plan-execute-synthesise
      planner: { model: other, prompt: p }
      executor: { route: nested, prompt: e }
      synthesiser: { route: missing, prompt: s }
`);
  assert.deepEqual(refs.sort(), [
    'routes.broken.flow.executor.route: route "nested" is itself a flow; a step\'s route must answer in one call',
    'routes.broken.flow.planner.model: model "other" is not in this route\'s models list; add it to routes.broken.models or pick one of large, small',
    'routes.broken.flow.synthesiser.route: unknown route "missing"; it must be one of the names under routes:',
  ]);
  const schema = issues(`routes:
  t:
    models: [small]
    flow: { type: triage-act, triage: { model: small, prompt: p }, schema: { type: array }, actions: { a: { model: small, prompt: x } } }
`);
  assert.ok(
    schema.some((i) => i.includes('the triage schema must be a JSON schema with `type: object`')),
    schema.join('\n'),
  );
});
