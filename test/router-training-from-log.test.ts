/**
 * Routers learn from the log (docs/lifecycle.md#routers-learn-from-the-log), end to end on SQLite and
 * PostgreSQL: a learned route with `router.shadow` (rate 1, a judge model) gets traffic over HTTP from the
 * official `openai` client; every answered request is also sent to the other model and the judge compares
 * the two (fake upstreams on loopback: the small model solves short prompts only). A few answers are rated
 * with POST /v1/feedback. `tandem train-router --from-log` then trains on those labels, and the new router
 * scores the prompts the small model fails above the ones it solves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runTrainRouterCommand } from '../src/cli/train-router-command.js';
import type { TandemConfigInput } from '../src/config/schema.js';
import { JUDGE_PROMPT, type ShadowPairObserver } from '../src/lifecycle/router-training-shadow.js';
import { loadLearnedScorer } from '../src/quality/learned-scorer.js';
import { writeScorerArtifact } from '../src/quality/scorer-artifact.js';
import { trainRouterArtifact } from '../src/quality/train-learned-scorer.js';
import { seededRandom } from '../src/quality/eval/routing-metrics.js';
import { startFakeUpstream, type FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { postgresSkipReason, TEST_DATABASE_URL, testSchemas } from '../src/store/postgres/postgres-test-database.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { echoResponder, lastUser } from './helpers/openai-upstream.js';

const ROUTE = 'tandem/learned';
const WORDS = ['add', 'carry', 'halve', 'double', 'subtract', 'multiply', 'round', 'square', 'divide', 'negate'];
/** The small model solves prompts of up to this many steps. */
const SMALL_MAX_STEPS = 3;

const pgSkip = await postgresSkipReason();
const schemas = testSchemas();
const dir = mkdtempSync(join(tmpdir(), 'tandem-router-log-'));
after(async () => {
  await schemas.dropAll();
  rmSync(dir, { recursive: true, force: true });
});

function prompts(n: number, seed: number): Array<{ prompt: string; steps: number }> {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const steps = 1 + Math.floor(rand() * 8);
    const ops = Array.from({ length: steps }, (_, k) => `${WORDS[(i + k) % WORDS.length] ?? 'add'} ${Math.floor(rand() * 90) + 10}`);
    return { prompt: `Start from ${i}, then ${ops.join(', then ')}.`, steps };
  });
}
const stepsOf = (prompt: string): number => (prompt.match(/then/g) ?? []).length;

/** A starting artifact that knows nothing useful: trained on labels unrelated to the prompts. */
async function startingArtifact(): Promise<string> {
  const rand = seededRandom(99);
  const examples = prompts(60, 5).map((p, i) => ({ id: String(i), prompt: p.prompt, weak: rand() < 0.5 ? 1 : 0, strong: 1 }));
  const path = join(dir, 'start.json');
  await writeScorerArtifact(path, trainRouterArtifact({ examples, name: 'start' }));
  return path;
}

function suite(name: string, store: TandemConfigInput['store'], skip: string | false): void {
  describe(`train-router --from-log (${name})`, { skip }, () => {
    let small: FakeUpstream;
    let large: FakeUpstream;
    let judge: FakeUpstream;
    let h: Harness;
    let input: TandemConfigInput;

    before(async () => {
      small = await startFakeUpstream({
        '/v1/chat/completions': echoResponder({ answer: (b) => (stepsOf(lastUser(b)) <= SMALL_MAX_STEPS ? `#### ${stepsOf(lastUser(b))}` : 'maybe 7?') }),
      });
      large = await startFakeUpstream({ '/v1/chat/completions': echoResponder({ answer: (b) => `#### ${stepsOf(lastUser(b))}` }) });
      judge = await startFakeUpstream({
        '/v1/chat/completions': echoResponder({
          answer: (b) => {
            assert.equal(b.messages[0]?.content, JUDGE_PROMPT);
            const m = /Answer A:\n([\s\S]*?)\n\nAnswer B:\n([\s\S]*?)\n\nIs answer B/.exec(lastUser(b));
            return m && m[1] === m[2] ? 'YES' : 'NO';
          },
        }),
      });
      const model = (url: string, locality: 'local' | 'cloud') => ({
        provider: 'openai-compatible' as const,
        base_url: `${url}/v1`,
        model: 'm',
        api_key: 'sk-test',
        locality,
        pricing: { input_per_1m: locality === 'cloud' ? 2.5 : 0, output_per_1m: locality === 'cloud' ? 10 : 0 },
        timeout_ms: 5_000,
      });
      input = {
        models: { small: model(small.url, 'local'), large: model(large.url, 'cloud'), judge: model(judge.url, 'local') },
        routes: {
          [ROUTE]: {
            models: ['small', 'large'],
            router: { type: 'learned', artifact: await startingArtifact(), small: 'small', large: 'large', shadow: { rate: 1, judge: 'judge' } },
          },
        },
        ...(store === undefined ? {} : { store }),
      };
      h = await startGateway(input);
    });
    after(async () => {
      await h?.close();
      await Promise.all([small?.close(), large?.close(), judge?.close()]);
    });

    test('shadow pairs and feedback from live traffic train a router that sends what the small model fails to the large one', async (t) => {
      const observer = h.gateway.observers.find((o) => o.name === 'shadow-pairs') as ShadowPairObserver | undefined;
      assert.ok(observer, 'router.shadow installs the shadow-pair observer');
      const traffic = prompts(80, 1);
      const ids: string[] = [];
      for (const { prompt } of traffic) {
        const completion = await h.client.chat.completions.create({ model: ROUTE, messages: [{ role: 'user', content: prompt }] });
        ids.push(completion._request_id as string);
        // One pair at a time, so none is skipped for being over the in-flight cap.
        await observer.settle();
      }
      assert.equal(observer.counts.recorded, traffic.length, JSON.stringify(observer.counts));
      const shadow = await h.gateway.store.feedback.latestByRoute({ route: ROUTE, source: 'shadow' });
      assert.equal(shadow.length, traffic.length);
      for (const entry of shadow) {
        const steps = traffic[ids.indexOf(entry.requestId)]?.steps ?? -1;
        assert.equal(entry.score, steps <= SMALL_MAX_STEPS ? 1 : 0, `steps ${steps}`);
        assert.equal(entry.comment, 'judge judge');
      }
      // A person's ratings of small answers: they beat the shadow verdicts on the same requests.
      const rows = await Promise.all(ids.map((id) => h.gateway.store.requestLog.get(id)));
      const smallAnswered = rows.filter((r) => r?.model === 'small').slice(0, 5);
      for (const row of smallAnswered) {
        await h.client.post('/feedback', { body: { request_id: row?.id, correct: stepsOf(JSON.stringify(row?.requestBody)) <= SMALL_MAX_STEPS } });
      }

      const configPath = join(dir, `${name}.json`);
      writeFileSync(configPath, JSON.stringify({ ...input, store: h.gateway.config.store }));
      const out = join(dir, `${name}-router.json`);
      const printed: string[] = [];
      await runTrainRouterCommand(
        { fromLog: true, route: ROUTE, config: configPath, out, kind: 'router', llmShare: 0.5, maxTrain: 1500, seed: 1, calibrationHoldout: 0.25 },
        { stdout: (s) => printed.push(s), stderr: (s) => printed.push(s) },
      );
      const summary = printed.join('\n');
      assert.match(
        summary,
        new RegExp(
          `labels from the log of tandem/learned: ${traffic.length} \\(${smallAnswered.length} from feedback, ${traffic.length - smallAnswered.length} from shadow pairs\\)`,
        ),
      );
      assert.match(summary, /wrote /);

      const scorer = await loadLearnedScorer(out);
      const fresh = prompts(200, 2);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const easy = mean(fresh.filter((p) => p.steps <= SMALL_MAX_STEPS).map((p) => scorer.scoreText(p.prompt)));
      const hard = mean(fresh.filter((p) => p.steps > SMALL_MAX_STEPS).map((p) => scorer.scoreText(p.prompt)));
      t.diagnostic(`mean router score on 200 fresh prompts: hard ${hard.toFixed(3)}, easy ${easy.toFixed(3)}`);
      assert.ok(hard > easy + 0.05, `hard prompts score ${hard.toFixed(3)}, easy ones ${easy.toFixed(3)}`);
    });

    test('--from-log without enough labels, or without --route, fails with a message', async () => {
      await assert.rejects(
        runTrainRouterCommand(
          { fromLog: true, out: join(dir, 'x.json'), kind: 'router', llmShare: 0.5, maxTrain: 10, seed: 1 },
          { stdout: () => {}, stderr: () => {} },
        ),
        /--from-log needs --route/,
      );
      const configPath = join(dir, `${name}-empty.json`);
      const emptyStore = store === undefined ? { type: 'sqlite', path: join(dir, `${name}-empty.db`) } : { ...store, schema: schemas.create() };
      writeFileSync(configPath, JSON.stringify({ ...input, store: emptyStore }));
      // The SQLite file must exist to be read (migrations create the tables).
      if (store === undefined) {
        const { openSqliteStore } = await import('../src/store/sqlite/sqlite-store.js');
        await (await openSqliteStore({ path: join(dir, `${name}-empty.db`), logBodies: true })).close();
      }
      await assert.rejects(
        runTrainRouterCommand(
          { fromLog: true, route: ROUTE, config: configPath, out: join(dir, 'x.json'), kind: 'router', llmShare: 0.5, maxTrain: 10, seed: 1 },
          { stdout: () => {}, stderr: () => {} },
        ),
        /only 0 labelled requests on tandem\/learned; training needs at least 10/,
      );
    });
  });
}

suite('sqlite', undefined, false);
suite('postgres', { type: 'postgres', url: TEST_DATABASE_URL, schema: schemas.create() }, pgSkip);
