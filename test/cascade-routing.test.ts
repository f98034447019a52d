/**
 * The cascade router end to end: the small model answers first (whole, even for a streaming client), a
 * verifier trained in the test (`tandem train-router --kind verifier`'s artifact, named by the route's
 * `verifier_artifact`) scores that answer, and a rejected answer escalates to the large model. The client
 * sees only the final answer; the logged cost counts every call that was made.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costOf } from '../src/accounting/cost.js';
import type { FakeResponse, FakeUpstream, RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import { startFakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { createCascadeVerifier, trainVerifierArtifact, type CascadeVerifier } from '../src/quality/cascade-verifier.js';
import type { LabelledExample } from '../src/quality/datasets/labelled-dataset.js';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';
import type { ModelInfo } from '../src/spec/model-info.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const THRESHOLD = 0.5;
const SURE = 'What is 12 + 30?';
const UNSURE = 'A train leaves at 3 pm going 40 mph; another at 4 pm going 60 mph. When does the second catch up?';

/** The small model: a clean worked answer for sums, a hedging non-answer otherwise. */
function smallAnswer(prompt: string): string {
  const sum = /What is (\d+) \+ (\d+)\?/.exec(prompt);
  if (sum) return `${sum[1]} + ${sum[2]} = ${Number(sum[1]) + Number(sum[2])}.\n#### ${Number(sum[1]) + Number(sum[2])}`;
  return 'I am not sure, maybe it is around 7 or so, however I might be wrong about this.';
}

/** Answers of the kind the small model gives, labelled: worked sums are right, hedges are wrong. */
function labelledAnswers(): LabelledExample[] {
  const examples: LabelledExample[] = [];
  for (let i = 0; i < 40; i++) {
    const sure = i % 2 === 0;
    const prompt = sure
      ? `What is ${i + 5} + ${i * 3}?`
      : `A car goes ${i + 20} mph for ${(i % 4) + 2} hours, then stops. How far, and when does a bus at ${i + 30} mph pass it?`;
    examples.push({ id: `a${i}`, prompt, weak: sure ? 1 : 0, strong: 1, weakResponse: smallAnswer(prompt) });
  }
  return examples;
}

interface Upstream {
  server: FakeUpstream;
  /** Usage each response reported, in order (what the provider bills). */
  usages: Array<{ prompt_tokens: number; completion_tokens: number }>;
}

async function upstream(answer: (prompt: string) => string): Promise<Upstream> {
  const usages: Upstream['usages'] = [];
  const respond = echoResponder({ answer: (body) => answer(lastUser(body)) });
  const server = await startFakeUpstream({
    '/v1/chat/completions': (request: RecordedRequest): FakeResponse => {
      const response = respond(request);
      const reported =
        response.body ??
        response.chunks
          ?.map((c) => String(c))
          .find((c) => c.includes('"usage"'))
          ?.slice(6);
      const parsed = (typeof reported === 'string' ? JSON.parse(reported) : reported) as { usage?: Upstream['usages'][number] } | undefined;
      if (parsed?.usage) usages.push(parsed.usage);
      return response;
    },
  });
  return { server, usages };
}

const billed = (usage: Upstream['usages'][number], model: ModelInfo): number =>
  costOf({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }, model.pricing);

let dir: string;
let small: Upstream;
let large: Upstream;
let h: Harness;
let verifier: CascadeVerifier;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-cascade-'));
  const verifierPath = join(dir, 'verifier.json');
  await writeScorerArtifact(verifierPath, trainVerifierArtifact({ examples: labelledAnswers(), dataset: 'answers' }));
  // The premise of every test below: the trained verifier separates the two answers around the threshold.
  verifier = await createCascadeVerifier(verifierPath);
  assert.ok(verifier.scoreAnswer({ prompt: SURE, answer: smallAnswer(SURE) }) >= THRESHOLD);
  assert.ok(verifier.scoreAnswer({ prompt: UNSURE, answer: smallAnswer(UNSURE) }) < THRESHOLD);
  small = await upstream(smallAnswer);
  large = await upstream((prompt) => `large model: ${prompt.length} characters considered, answer 4 pm + 2 h = 6 pm`);
  const config = twoModelConfig(large.server.url, small.server.url);
  h = await startGateway({
    ...config,
    routes: {
      'tandem/cascade': {
        models: ['small', 'large'],
        router: { type: 'cascade', small: 'small', large: 'large', threshold: THRESHOLD, verifier_artifact: verifierPath },
      },
    },
  });
});

after(async () => {
  await h.close();
  await small.server.close();
  await large.server.close();
  await rm(dir, { recursive: true, force: true });
});

function models(): { smallModel: ModelInfo; largeModel: ModelInfo } {
  return { smallModel: h.gateway.models.get('small') as ModelInfo, largeModel: h.gateway.models.get('large') as ModelInfo };
}

function counts(): [number, number] {
  return [small.server.requests.length, large.server.requests.length];
}

describe('cascade router in the gateway', () => {
  test('an accepted small answer reaches the client and only the small call is paid for', async () => {
    const [s0, l0] = counts();
    const { data, response } = await h.client.chat.completions.create({ model: 'tandem/cascade', messages: [{ role: 'user', content: SURE }] }).withResponse();
    assert.equal(data.choices[0]?.message.content, smallAnswer(SURE));
    assert.equal(response.headers.get('x-tandem-model'), 'small');
    // The route's own verifier decided (its score), not the built-in one.
    const score = Number(response.headers.get('x-tandem-route-score'));
    assert.ok(Math.abs(score - verifier.scoreAnswer({ prompt: SURE, answer: smallAnswer(SURE) })) < 1e-3, `score ${score}`);
    assert.equal(Number(response.headers.get('x-tandem-route-threshold')), THRESHOLD);
    assert.deepEqual(counts(), [s0 + 1, l0]);
    const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    const { smallModel } = models();
    assert.ok(row && Math.abs(row.cost - billed(small.usages.at(-1) as Upstream['usages'][number], smallModel)) < 1e-12, `cost ${row?.cost}`);
  });

  test('a rejected small answer escalates: the client sees only the large answer, the cost includes both calls', async () => {
    const [s0, l0] = counts();
    const { data, response } = await h.client.chat.completions
      .create({ model: 'tandem/cascade', messages: [{ role: 'user', content: UNSURE }] })
      .withResponse();
    const text = data.choices[0]?.message.content ?? '';
    assert.match(text, /^large model:/);
    assert.equal(response.headers.get('x-tandem-model'), 'large');
    const score = Number(response.headers.get('x-tandem-route-score'));
    assert.ok(Math.abs(score - verifier.scoreAnswer({ prompt: UNSURE, answer: smallAnswer(UNSURE) })) < 1e-3, `score ${score}`);
    assert.deepEqual(counts(), [s0 + 1, l0 + 1]);
    const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
    const { smallModel, largeModel } = models();
    const expected =
      billed(small.usages.at(-1) as Upstream['usages'][number], smallModel) + billed(large.usages.at(-1) as Upstream['usages'][number], largeModel);
    assert.ok(row && Math.abs(row.cost - expected) < 1e-12, `cost ${row?.cost}, expected ${expected}`);
    assert.ok(row.attempts.some((a) => a.model === 'small' && /rejected by verifier/.test(a.error ?? '')));
  });

  test('streaming: the small answer is buffered until accepted, a rejected one never reaches the client', async () => {
    for (const [prompt, expectedModel] of [
      [SURE, 'small'],
      [UNSURE, 'large'],
    ] as const) {
      const [s0] = counts();
      const { data: stream, response } = await h.client.chat.completions
        .create({ model: 'tandem/cascade', messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = '';
      let usageSeen = false;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usageSeen = true;
      }
      assert.equal(response.headers.get('x-tandem-model'), expectedModel);
      assert.ok(usageSeen, 'usage chunk');
      // The small model was asked for a whole answer: nothing of it could stream out before the verdict.
      const smallRequest = small.server.requests[s0]?.json as { stream?: boolean } | undefined;
      assert.notEqual(smallRequest?.stream, true);
      if (expectedModel === 'small') assert.equal(text, smallAnswer(prompt));
      else {
        assert.match(text, /^large model:/);
        assert.ok(!text.includes('not sure'), 'no trace of the rejected answer');
        const row = await h.gateway.store.requestLog.get(response.headers.get('x-tandem-request-id') ?? '');
        const { smallModel, largeModel } = models();
        const expected =
          billed(small.usages.at(-1) as Upstream['usages'][number], smallModel) + billed(large.usages.at(-1) as Upstream['usages'][number], largeModel);
        assert.ok(row && Math.abs(row.cost - expected) < 1e-12, `cost ${row?.cost}, expected ${expected}`);
      }
    }
  });
});
