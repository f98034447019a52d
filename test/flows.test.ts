/**
 * Flow routes end to end (docs/flows.md): the official OpenAI and Anthropic clients over real HTTP call a
 * triage-act route and a plan-execute-synthesise route; a fake cloud upstream triages, plans and
 * synthesises from recorded fixtures, a fake local upstream acts. Checked: the answer, the
 * x-tandem-flow-steps header, the parent row and its child rows (cost = the sum), the repair turn and the
 * fallback, a failing and a timed-out subtask, a subtask with personal data kept local, a reservation
 * exhausted mid-flow, and a client that leaves mid-flow.
 */
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TandemConfigInput } from '../src/config/schema.js';
import type { RequestRecord } from '../src/spec/request-record.js';
import type { FlowStepRecord } from '../src/store/flow-steps.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startFlowUpstreams } from './helpers/flow-upstreams.js';

type Upstreams = Awaited<ReturnType<typeof startFlowUpstreams>>;

const triageSchema = {
  type: 'object',
  properties: { intent: { type: 'string' }, order_id: { type: 'string' }, reason: { type: 'string' } },
  required: ['intent', 'order_id'],
};

function plan(timeoutMs: number): NonNullable<TandemConfigInput['routes']>[string] {
  return {
    models: ['large', 'small'],
    policies: [{ type: 'privacy', types: ['EMAIL_ADDRESS', 'PHONE_NUMBER'] }],
    flow: {
      type: 'plan-execute-synthesise',
      planner: { model: 'large', prompt: 'Split into subtasks: {{input}}', max_tokens: 200 },
      executor: { models: ['large', 'small'], prompt: 'Do this: {{task}}', max_tokens: 100 },
      synthesiser: { models: ['large', 'small'], prompt: 'Question: {{input}}\nResults:\n{{results}}', max_tokens: 200 },
      max_subtasks: 4,
      concurrency: 2,
      subtask_timeout_ms: timeoutMs,
    },
  };
}

function config(up: Upstreams): TandemConfigInput {
  const base = twoModelConfig(up.cloud.url, up.local.url);
  return {
    ...base,
    routes: {
      support: {
        models: ['large', 'small'],
        policies: [{ type: 'privacy', types: ['EMAIL_ADDRESS', 'PHONE_NUMBER'] }],
        flow: {
          type: 'triage-act',
          triage: { model: 'large', prompt: 'Classify this support ticket: {{input}}', max_tokens: 100 },
          schema: triageSchema,
          actions: {
            refund: { model: 'small', prompt: 'Confirm the refund of order {{fields.order_id}} ({{fields.reason}}).', max_tokens: 100 },
            faq: { model: 'small', prompt: 'Answer briefly: {{input}}', max_tokens: 100 },
          },
        },
      },
      research: plan(400),
      // No policies of its own: as a flow step it is judged by the flow route's privacy policy.
      executors: { models: ['large', 'small'] },
      'research/routed': {
        ...plan(400),
        flow: { ...(plan(400).flow as object), executor: { route: 'executors', prompt: 'Do this: {{task}}' } } as NonNullable<
          TandemConfigInput['routes']
        >[string]['flow'],
      },
      'research/slow': plan(10_000),
    },
  };
}

describe('flow routes through the gateway', () => {
  let up: Upstreams;
  let h: Harness;

  before(async () => {
    up = await startFlowUpstreams();
    h = await startGateway(config(up));
  });
  after(async () => {
    await h?.close();
    await up?.close();
  });

  const row = async (id: string): Promise<RequestRecord> => {
    for (let i = 0; i < 100; i++) {
      const found = await h.gateway.store.requestLog.get(id);
      if (found) return found;
      await sleep(20);
    }
    throw new Error(`no row for ${id}`);
  };
  const steps = async (id: string): Promise<FlowStepRecord[]> => (await h.gateway.store.flowSteps?.forParents([id]))?.get(id) ?? [];
  const sum = (list: FlowStepRecord[]): number => list.reduce((s, x) => s + x.cost, 0);

  test('triage-act: the cloud triages with a JSON schema, the local action answers with the fields; one parent row, a child row per step', async () => {
    const cloudBefore = up.cloud.requests.length;
    const { data, response } = await h.client.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: 'refund-case please, my parcel arrived crushed' }] })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? '', /^local answer to: Confirm the refund of order A-1001 \(arrived damaged\)\./);
    assert.equal(response.headers.get('x-tandem-flow-steps'), 'triage=large, action:refund=small');
    assert.equal(response.headers.get('x-tandem-model'), 'small');
    const triageBody = up.cloud.requests[cloudBefore]?.json as { response_format?: { type: string; json_schema: { name: string; schema: unknown } } };
    assert.equal(triageBody.response_format?.type, 'json_schema');
    assert.deepEqual(triageBody.response_format?.json_schema.schema, triageSchema);
    const id = response.headers.get('x-tandem-request-id') as string;
    const parent = await row(id);
    const children = await steps(id);
    assert.deepEqual(
      children.map((s) => [s.step, s.model, s.status]),
      [
        ['triage', 'large', 'ok'],
        ['action:refund', 'small', 'ok'],
      ],
    );
    assert.ok(parent.cost > 0);
    assert.ok(Math.abs(parent.cost - sum(children)) < 1e-12, 'the parent costs the sum of its steps');
    assert.equal(parent.inputTokens, children[0]!.inputTokens + children[1]!.inputTokens);
    assert.equal(data.usage?.completion_tokens, parent.outputTokens);
    assert.match(parent.reason, /^flow triage-act: triage -> refund; baseline estimated$/);
    assert.ok(parent.baselineCost > 0);
    assert.equal(parent.status, 200);
  });

  test('the OpenAI Responses API serves a flow route too, streamed', async () => {
    const stream = await h.client.responses.create({ model: 'support', input: 'refund-case the lamp is broken', stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    assert.ok(completed);
    assert.match(text, /^local answer to: Confirm the refund of order A-1001 \(arrived damaged\)\./);
  });

  test('invalid triage JSON gets one repair turn; still invalid after it falls back to the large model, recorded as such', async () => {
    const repaired = await h.client.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: 'brokenjson-case my order is late' }] })
      .withResponse();
    assert.match(repaired.data.choices[0]?.message.content ?? '', /order A-2002 \(late\)/);
    assert.equal(repaired.response.headers.get('x-tandem-flow-steps'), 'triage=large, repair=large, action:refund=small');

    const fellBack = await h.client.chat.completions.create({ model: 'support', messages: [{ role: 'user', content: 'garbage-case help me' }] }).withResponse();
    assert.equal(fellBack.response.headers.get('x-tandem-flow-steps'), 'triage=large, repair=large, fallback=large');
    assert.match(fellBack.data.choices[0]?.message.content ?? '', /^cloud answer to: garbage-case help me/);
    const parent = await row(fellBack.response.headers.get('x-tandem-request-id') as string);
    assert.match(parent.reason, /fallback to large \(invalid triage JSON after one repair: not JSON/);
    // Answered by the baseline model itself: the baseline is counted, not estimated.
    assert.doesNotMatch(parent.reason, /baseline estimated/);

    const noAction = await h.client.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: 'unknown-case I will sue' }] })
      .withResponse();
    assert.equal(noAction.response.headers.get('x-tandem-flow-steps'), 'triage=large, fallback=large');
    assert.match((await row(noAction.response.headers.get('x-tandem-request-id') as string)).reason, /no action for intent "legal_threat"/);
  });

  test('plan-execute-synthesise over the Anthropic SDK, streamed: a failing and a timed-out subtask reach the synthesiser, the one with personal data stays local', async () => {
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
    const localBefore = up.local.requests.length;
    const cloudBefore = up.cloud.requests.length;
    const started = performance.now();
    const stream = anthropic.messages.stream({
      model: 'research',
      max_tokens: 300,
      messages: [{ role: 'user', content: 'research-case the refund situation' }],
    });
    let text = '';
    let firstDeltaMs: number | null = null;
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        firstDeltaMs ??= performance.now() - started;
        text += event.delta.text;
      }
    }
    const final = await stream.finalMessage();
    assert.ok(text.length > 0 && firstDeltaMs !== null);
    const localPrompts = up.local.requests.slice(localBefore).map((r) => r.body);
    const cloudPrompts = up.cloud.requests.slice(cloudBefore).map((r) => r.body);
    assert.ok(
      localPrompts.some((b) => b.includes('jane.doe@example.com')),
      'the subtask with an email address ran locally',
    );
    assert.ok(!cloudPrompts.some((b) => b.includes('jane.doe@example.com')), 'no cloud model saw the email address');
    const synthesis = localPrompts.find((b) => b.includes('Results:'));
    assert.ok(synthesis, 'the synthesis carried the local result with personal data, so it ran locally too');
    assert.match(synthesis, /\(failed: [^)]*refused this subtask/);
    assert.match(synthesis, /\(failed: timed out after 400 ms\)/);
    const [parent] = await h.gateway.store.requestLog.recent({ limit: 1, route: 'research' });
    assert.ok(parent);
    const children = await steps(parent.id);
    const byStep = new Map(children.map((s) => [s.step, s]));
    assert.equal(byStep.get('plan')?.model, 'large');
    assert.equal(byStep.get('subtask:1')?.model, 'large');
    assert.equal(byStep.get('subtask:2')?.model, 'small');
    assert.equal(byStep.get('subtask:2')?.privacy, 'local-only');
    assert.equal(byStep.get('subtask:3')?.status, 'failed');
    assert.equal(byStep.get('subtask:4')?.status, 'timeout');
    assert.equal(byStep.get('synthesise')?.status, 'ok');
    assert.ok(Math.abs(parent.cost - sum(children)) < 1e-12);
    assert.equal(final.usage.output_tokens, parent.outputTokens);
    // Time to first token is measured from the request, so it includes planning and the subtasks.
    assert.ok(parent.ttftMs !== null && parent.ttftMs >= (byStep.get('synthesise')?.startMs ?? 0));
  });

  test("a step that runs on a route of its own is still judged by the flow route's privacy policy", async () => {
    const { response } = await h.client.chat.completions
      .create({ model: 'research/routed', messages: [{ role: 'user', content: 'research-case the refund situation' }] })
      .withResponse();
    const children = await steps(response.headers.get('x-tandem-request-id') as string);
    const byStep = new Map(children.map((s) => [s.step, s]));
    assert.equal(byStep.get('subtask:1')?.model, 'large');
    assert.equal(byStep.get('subtask:2')?.model, 'small');
    assert.equal(byStep.get('subtask:2')?.privacy, 'local-only');
  });

  test('a reservation exhausted mid-flow: no step starts once it cannot be covered, the client gets 429', async () => {
    const error = await h.client.chat.completions.create({ model: 'research', messages: [{ role: 'user', content: 'greedyplan-case two parts' }] }).then(
      () => assert.fail('expected a 429'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error && 'status' in error);
    assert.equal((error as { status: number }).status, 429);
    assert.match(error.message, /cannot cover step "synthesise"/);
    assert.equal(
      (error as unknown as { headers: Headers }).headers.get('x-tandem-flow-steps'),
      'plan=large, subtask:1=large, subtask:2=large, synthesise=large(skipped)',
    );
    const [parent] = await h.gateway.store.requestLog.recent({ limit: 1, route: 'research' });
    assert.ok(parent);
    assert.equal(parent.status, 429);
    const children = await steps(parent.id);
    assert.equal(children.at(-1)?.step, 'synthesise');
    assert.equal(children.at(-1)?.status, 'skipped');
    assert.ok(parent.cost > 1, 'the over-reported spend is on the parent row, so the budget settles on it');
  });

  test('a client that leaves mid-flow cancels every running step', async () => {
    const abortsBefore = up.cloud.clientAborts;
    const controller = new AbortController();
    const pending = h.client.chat.completions.create(
      { model: 'research/slow', stream: true, messages: [{ role: 'user', content: 'hang-case on two slow parts' }] },
      { signal: controller.signal },
    );
    await sleep(400);
    controller.abort();
    await assert.rejects(pending);
    await up.cloud.waitForClientAborts(abortsBefore + 2, 3_000);
    let parent: RequestRecord | undefined;
    for (let i = 0; i < 100 && parent?.status !== 499; i++) {
      [parent] = await h.gateway.store.requestLog.recent({ limit: 1, route: 'research/slow' });
      await sleep(20);
    }
    assert.equal(parent?.status, 499);
    const children = await steps(parent.id);
    assert.deepEqual(
      children.filter((s) => s.step.startsWith('subtask')).map((s) => s.status),
      ['cancelled', 'cancelled'],
    );
  });
});

describe('a client that leaves while the synthesis streams', () => {
  test('the streaming step is cancelled upstream and the flow is logged as 499 with its steps', async () => {
    const up = await startFlowUpstreams({ synthDelayMs: 150 });
    const h = await startGateway(config(up));
    try {
      const stream = await h.client.chat.completions.create({
        model: 'research',
        stream: true,
        messages: [{ role: 'user', content: 'plain question about returns' }],
      });
      let received = '';
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta.content ?? '';
        if (received.length > 0) break; // leaves after the first words: the SDK closes the connection
      }
      assert.ok(received.length > 0);
      await up.cloud.waitForClientAborts(1, 3_000);
      let parent: RequestRecord | undefined;
      for (let i = 0; i < 100 && parent?.status !== 499; i++) {
        [parent] = await h.gateway.store.requestLog.recent({ limit: 1, route: 'research' });
        await sleep(20);
      }
      assert.equal(parent?.status, 499);
      const children = (await h.gateway.store.flowSteps?.forParents([parent.id]))?.get(parent.id) ?? [];
      assert.deepEqual(
        children.map((s) => [s.step, s.status]),
        [
          ['plan', 'ok'],
          ['subtask:1', 'ok'],
          ['subtask:2', 'ok'],
          ['synthesise', 'cancelled'],
        ],
      );
      assert.ok(parent.ttftMs !== null && parent.ttftMs > (children[3]?.startMs ?? 0), 'the first token came after the synthesis started');
    } finally {
      await h.close();
      await up.close();
    }
  });
});
