/**
 * `npm run bench:distill`: task distillation on Banking77 and CLINC150 through the real gateway over HTTP,
 * with a fake teacher upstream on loopback that answers the task prompt with the gold label (or, in the
 * noisy run, a wrong label for 5% of inputs). The train split streams through the task route in shuffled
 * order while the student retrains as labels arrive; then the test split. Thresholds are calibrated only on
 * examples captured from that stream (train-student.ts); the test split never reaches training before it
 * is measured. Figures: docs/distillation.md.
 *
 *   npm run bench:distill                      all runs (Banking77 clean and 5% noisy, CLINC150, novelty, training time)
 *   npm run bench:distill -- --limit 2000      a quick pass on the first 2,000 train / 500 test rows
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type TandemServer } from '../src/api/server.js';
import { PACKAGE_ROOT } from '../src/config/builtin-config.js';
import { configSchema, type TandemConfigInput } from '../src/config/schema.js';
import { DistillingTaskStage } from '../src/distill/task-stage.js';
import { Gateway } from '../src/gateway/gateway.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import type { ChatRequest } from '../src/spec/chat-request.js';
import { openStore } from '../src/store/open-store.js';
import { seededRandom } from '../src/testing/seeded-random.js';
import { banking77, clinc150, clincOosTest, type IntentDataset, type Labelled } from './distill-data.js';

const { values: args } = parseArgs({
  options: {
    limit: { type: 'string' },
    only: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    target: { type: 'string' },
    confidence: { type: 'string' },
  },
});
/** target_agreement of the task route (default: the config default, 0.98). */
const TARGET = args.target === undefined ? undefined : Number(args.target);
/** The task's `confidence` (default: the config default, `probability`); `--confidence trust` tries the trust score. */
const CONFIDENCE: 'probability' | 'trust' | undefined = args.confidence === 'trust' || args.confidence === 'probability' ? args.confidence : undefined;
if (args.confidence !== undefined && CONFIDENCE === undefined) throw new Error(`--confidence is probability or trust, not ${args.confidence}`);
const LIMIT = args.limit === undefined ? Infinity : Number(args.limit);
const CONCURRENCY = Number(args.concurrency);
const ROUTE = 'intents';
const TRAIN_ROUTE = 'intents-10k';
const TEMPLATE = 'Classify the customer message into exactly one intent. Reply with the intent name only.\n\nMessage: {input}';
const PREFIX = TEMPLATE.slice(0, TEMPLATE.indexOf('{input}'));
const CHECKPOINTS = [250, 500, 1000, 2000, 5000];
const TEACHER_PRICING = { input_per_1m: 2.5, output_per_1m: 10 };

function hash(text: string, seed: number): number {
  let h = seed >>> 0 || 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** The fake teacher: gold labels by input; `noise` of inputs (chosen by hash, so a repeat gets the same answer) get a wrong one. */
class Teacher {
  readonly gold = new Map<string, string>();
  constructor(
    dataset: IntentDataset,
    private readonly labels: string[],
    private readonly noise: number,
  ) {
    for (const row of [...dataset.train, ...dataset.test]) this.gold.set(row.text, row.label);
  }
  answer(input: string): string {
    const label = this.gold.get(input);
    if (label === undefined) return 'unknown';
    if ((hash(input, 7) % 10_000) / 10_000 >= this.noise) return label;
    const other = this.labels.filter((l) => l !== label);
    return other[hash(input, 11) % other.length] as string;
  }
}

function chatCompletion(request: RecordedRequest, teacher: Teacher): { body: unknown } {
  const body = request.json as { model: string; messages: Array<{ role: string; content: string }> };
  const prompt = body.messages.at(-1)?.content ?? '';
  const text = teacher.answer(prompt.startsWith(PREFIX) ? prompt.slice(PREFIX.length) : prompt);
  const usage = { prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), completion_tokens: 3, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  return {
    body: {
      id: 'chatcmpl-t',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
      usage,
    },
  };
}

interface Bench {
  upstream: FakeUpstream;
  /** Requests the teacher has answered so far: escalations and shadow checks alike. */
  teacherCalls: () => number;
  server: TandemServer;
  gateway: Gateway;
  stage: DistillingTaskStage;
  dir: string;
}

async function startBench(teacher: Teacher, labels: string[]): Promise<Bench> {
  let calls = 0;
  const upstream = await startFakeUpstream({
    '/v1/chat/completions': (r) => {
      calls++;
      return chatCompletion(r, teacher);
    },
  });
  upstream.recordRequests = false;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-distill-'));
  const task = {
    prompt_template: TEMPLATE,
    labels,
    min_examples: 200,
    retrain_every: 250,
    shadow_fraction: 0.02,
    ...(TARGET === undefined ? {} : { target_agreement: TARGET }),
    ...(CONFIDENCE === undefined ? {} : { confidence: CONFIDENCE }),
  };
  const input: TandemConfigInput = {
    store: { type: 'sqlite', path: join(dir, 'tandem.db') },
    models: {
      teacher: {
        provider: 'openai-compatible',
        base_url: `${upstream.url}/v1`,
        model: 'gpt-4o',
        api_key: 'sk-bench',
        locality: 'cloud',
        pricing: TEACHER_PRICING,
        timeout_ms: 30_000,
      },
    },
    routes: {
      [ROUTE]: { models: ['teacher'], task },
      // For the training-time figure: fed 10,000 examples directly, trained on demand only.
      [TRAIN_ROUTE]: { models: ['teacher'], task: { ...task, min_examples: 1_000_000, retrain_every: 1_000_000 } },
    },
  };
  const config = configSchema.parse(input);
  const store = await openStore(config.store, dir);
  const gateway = await Gateway.create({ config, baseDir: PACKAGE_ROOT, store });
  if (!(gateway.tasks instanceof DistillingTaskStage)) throw new Error('the gateway built no task stage');
  const server = await startServer(gateway, { host: '127.0.0.1', port: 0 });
  return { upstream, teacherCalls: () => calls, server, gateway, stage: gateway.tasks, dir };
}

async function stopBench(b: Bench): Promise<void> {
  await b.server.close({ deadlineMs: 2_000 });
  await b.upstream.close();
  rmSync(b.dir, { recursive: true, force: true });
}

interface Answered {
  text: string;
  model: string;
  ms: number;
}

async function ask(b: Bench, model: string, input: string): Promise<Answered> {
  const started = performance.now();
  const response = await fetch(`${b.server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: TEMPLATE.replace('{input}', input) }] }),
  });
  const body = (await response.json()) as { choices?: Array<{ message: { content: string } }>; error?: { message: string } };
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.error?.message}`);
  return { text: body.choices?.[0]?.message.content ?? '', model: response.headers.get('x-tandem-model') ?? '', ms: performance.now() - started };
}

/**
 * Sends every input with CONCURRENCY in flight; `each` sees the answers in completion order. Traffic waits
 * while a training runs and the next one is already due: the loopback stream is far faster than real
 * traffic on one route, and without this the labels run thousands ahead of the student trained on them.
 */
async function send(b: Bench, inputs: readonly string[], each: (index: number, answer: Answered) => void): Promise<void> {
  let next = 0;
  const task = b.stage.routes.get(ROUTE);
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      while (task?.training && task.newLabels >= task.task.retrain_every) await task.training.catch(() => undefined);
      if (next >= inputs.length) break;
      const i = next++;
      each(i, await ask(b, ROUTE, inputs[i] as string));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function settle(b: Bench, route: string): Promise<void> {
  const task = b.stage.routes.get(route);
  while (task?.training) {
    await task.training.catch(() => undefined);
    await sleep(10);
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const isStudent = (a: Answered): boolean => a.model.startsWith('student:');

interface RunResult {
  name: string;
  curve: Array<{ labels: number; coverage: number | null }>;
  coverage: number;
  studentAccuracy: number;
  finalAccuracy: number;
  teacherOnlyAccuracy: number;
  agreementWithTeacherOnly: number;
  costSaved: number;
  /** Cost saved with the shadow checks' teacher calls during the test split counted too. */
  costSavedWithShadow: number;
  shadowCalls: number;
  labelsCaptured: number;
  students: number;
  version: string;
  inferenceUs: { best: number; median: number };
  novelty?: number;
}

async function run(dataset: IntentDataset, noise: number, novelty: boolean): Promise<RunResult> {
  const random = seededRandom(17);
  const train = dataset.train
    .slice(0, LIMIT)
    .map((r) => ({ r, k: random() }))
    .sort((a, c) => a.k - c.k)
    .map((x) => x.r);
  const test = dataset.test.slice(0, LIMIT === Infinity ? Infinity : Math.ceil(LIMIT / 4));
  const labels = [...new Set(dataset.train.map((r) => r.label))].sort();
  const teacher = new Teacher(dataset, labels, noise);
  const b = await startBench(teacher, labels);
  try {
    // Train split as traffic: which request saw how many labels (teacher calls) so far.
    const labelsAt: number[] = [];
    const served: boolean[] = [];
    let teacherCalls = 0;
    const started = performance.now();
    await send(
      b,
      train.map((r) => r.text),
      (_i, a) => {
        if (!isStudent(a)) teacherCalls++;
        labelsAt.push(teacherCalls);
        served.push(isStudent(a));
      },
    );
    console.error(
      `  ${dataset.name}${noise ? ' noisy' : ''}: train stream of ${train.length} in ${((performance.now() - started) / 1000).toFixed(0)} s, ${teacherCalls} teacher answers`,
    );
    const curve = CHECKPOINTS.map((labels) => {
      const from = labelsAt.findIndex((n) => n >= labels);
      const window = from < 0 ? [] : served.slice(from + 1, from + 251);
      return { labels, coverage: window.length < 50 ? null : window.filter(Boolean).length / window.length };
    });
    await settle(b, ROUTE);

    // Test split: the student serves (and keeps learning from what it escalates).
    const answers: Answered[] = new Array(test.length);
    const teacherCallsBefore = b.teacherCalls();
    await send(
      b,
      test.map((r) => r.text),
      (i, a) => (answers[i] = a),
    );
    let byStudent = 0;
    let studentRight = 0;
    let finalRight = 0;
    let teacherOnlyRight = 0;
    let agreeTeacherOnly = 0;
    test.forEach((row: Labelled, i) => {
      const a = answers[i] as Answered;
      const teacherOnly = teacher.answer(row.text);
      if (isStudent(a)) {
        byStudent++;
        if (a.text === row.label) studentRight++;
      }
      if (a.text === row.label) finalRight++;
      if (teacherOnly === row.label) teacherOnlyRight++;
      if (a.text === teacherOnly) agreeTeacherOnly++;
    });
    if (test.some((row) => row.label === 'oos')) {
      // CLINC150: in-scope queries and out-of-scope ones (`oos`) apart, since the test split has far more of the latter.
      for (const part of ['in-scope', 'oos']) {
        const idx = test.map((row, i) => ((row.label === 'oos') === (part === 'oos') ? i : -1)).filter((i) => i >= 0);
        const mine = idx.filter((i) => isStudent(answers[i] as Answered));
        const right = mine.filter((i) => (answers[i] as Answered).text === test[i]?.label).length;
        console.error(
          `    ${part}: ${idx.length} queries, student answered ${pct(mine.length / idx.length)}, ${mine.length === 0 ? '-' : pct(right / mine.length)} of them right`,
        );
      }
    }
    // Shadow checks run after the client has its answer: wait until the teacher has had them all.
    for (let last = -1; last !== b.teacherCalls(); ) {
      last = b.teacherCalls();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const shadowCalls = b.teacherCalls() - teacherCallsBefore - (test.length - byStudent);
    const rows = await b.gateway.store.requestLog.recent({ limit: test.length, route: ROUTE });
    const cost = rows.reduce((s, r) => s + r.cost, 0);
    const baseline = rows.reduce((s, r) => s + r.baselineCost, 0);
    // A shadow check costs what the teacher answering the request costs: the mean baseline of a test request.
    const shadowCost = (shadowCalls * baseline) / Math.max(1, rows.length);
    const final = b.stage.routes.get(ROUTE)?.student;

    // Inference: the stage's answer() in process, on the test inputs (featurise, predict, format), with no
    // training running beside it.
    await settle(b, ROUTE);
    const requests: ChatRequest[] = test.map((row) => ({
      model: ROUTE,
      messages: [{ role: 'user', content: TEMPLATE.replace('{input}', row.text) }],
      stream: false,
      includeUsage: false,
      params: {},
      extra: {},
    }));
    for (const r of requests) b.stage.answer(ROUTE, r);
    // Per pass over the test inputs; the fastest pass is the one least disturbed by other processes.
    const passes: number[] = [];
    for (let pass = 0; pass < 9; pass++) {
      const t0 = performance.now();
      for (const r of requests) b.stage.answer(ROUTE, r);
      passes.push(((performance.now() - t0) * 1000) / requests.length);
    }
    passes.sort((a, c) => a - c);
    const inferenceUs = { best: passes[0] as number, median: passes[4] as number };

    let noveltyShare: number | undefined;
    if (novelty) {
      await settle(b, ROUTE);
      const oos = clincOosTest().slice(0, LIMIT === Infinity ? Infinity : 250);
      let escalated = 0;
      await send(b, oos, (_, a) => void (isStudent(a) || escalated++));
      noveltyShare = escalated / oos.length;
    }
    const students = await b.gateway.store.taskExamples.students(ROUTE);
    for (const s of [...students].reverse()) {
      const m = s.metrics as {
        trainExamples?: number;
        evalExamples?: number;
        coverage?: number;
        agreement?: number;
        trainingMs?: number;
        previous?: { metrics: { coverage: number; agreement: number } } | null;
      };
      const prev = m.previous ? `, current then: coverage ${pct(m.previous.metrics.coverage)} at ${pct(m.previous.metrics.agreement)}` : '';
      console.error(
        `    v${s.version} ${s.status}: ${m.trainExamples} + ${m.evalExamples} held out, coverage ${pct(m.coverage ?? 0)} at ${pct(m.agreement ?? 0)}, ${((m.trainingMs ?? 0) / 1000).toFixed(1)} s${prev}`,
      );
    }
    return {
      name: `${dataset.name}${noise ? ` (teacher ${pct(noise)} wrong)` : ''}${TARGET === undefined ? '' : `, target_agreement ${TARGET}`}${CONFIDENCE === undefined ? '' : `, confidence ${CONFIDENCE}`}`,
      curve,
      coverage: byStudent / test.length,
      studentAccuracy: byStudent === 0 ? 0 : studentRight / byStudent,
      finalAccuracy: finalRight / test.length,
      teacherOnlyAccuracy: teacherOnlyRight / test.length,
      agreementWithTeacherOnly: agreeTeacherOnly / test.length,
      costSaved: baseline > 0 ? 1 - cost / baseline : NaN,
      costSavedWithShadow: baseline > 0 ? 1 - (cost + shadowCost) / baseline : NaN,
      shadowCalls,
      labelsCaptured: await b.gateway.store.taskExamples.count(ROUTE),
      students: students.length,
      version: final ? final.info.name : '(none)',
      inferenceUs,
      ...(noveltyShare === undefined ? {} : { novelty: noveltyShare }),
    };
  } finally {
    await stopBench(b);
  }
}

/** Training on 10,000 Banking77 examples in the worker, and the latency of other requests meanwhile. */
async function trainingUnderLoad(): Promise<{
  examples: number;
  wallMs: number;
  workerMs: number;
  aloneMs: number;
  aloneWorkerMs: number;
  idleP99: number;
  trainingP99: number;
  idleP50: number;
  trainingP50: number;
  samples: number;
}> {
  const dataset = banking77();
  const labels = [...new Set(dataset.train.map((r) => r.label))].sort();
  const b = await startBench(new Teacher(dataset, labels, 0), labels);
  try {
    const rows = dataset.train.slice(0, Math.min(10_000, LIMIT));
    for (const [i, row] of rows.entries()) await b.gateway.store.taskExamples.capture({ route: TRAIN_ROUTE, input: row.text, label: row.label, time: i });
    const latency = async (until: () => boolean, min: number): Promise<number[]> => {
      const out: number[] = [];
      while (out.length < min || !until()) out.push((await ask(b, 'teacher', `message ${out.length}`)).ms);
      return out;
    };
    for (let i = 0; i < 200; i++) await ask(b, 'teacher', 'warm up');
    const idle = await latency(() => true, 2_000);
    let done = false;
    const t0 = performance.now();
    const training = b.stage.train(TRAIN_ROUTE).finally(() => (done = true));
    const during = await latency(() => done, 200);
    const report = await training;
    const wallMs = performance.now() - t0;
    // The same training again with no requests beside it.
    const t1 = performance.now();
    const alone = await b.stage.train(TRAIN_ROUTE);
    const aloneMs = performance.now() - t1;
    const q = (xs: number[], p: number): number => [...xs].sort((a, c) => a - c)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
    return {
      examples: rows.length,
      wallMs,
      workerMs: report.metrics.trainingMs,
      aloneMs,
      aloneWorkerMs: alone.metrics.trainingMs,
      idleP99: q(idle, 0.99),
      trainingP99: q(during, 0.99),
      idleP50: q(idle, 0.5),
      trainingP50: q(during, 0.5),
      samples: during.length,
    };
  } finally {
    await stopBench(b);
  }
}

async function main(): Promise<void> {
  const only = args.only;
  const results: RunResult[] = [];
  if (!only || only === 'banking77') results.push(await run(banking77(), 0, true));
  if (!only || only === 'banking77-noisy') results.push(await run(banking77(), 0.05, false));
  if (!only || only === 'clinc150') results.push(await run(clinc150(), 0, false));
  console.log(
    `\n| run | coverage | student accuracy | final accuracy | teacher-only accuracy | final vs teacher-only | agreement with teacher-only | cost saved | cost saved, shadow checks counted | labels captured | students trained | serving |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${pct(r.coverage)} | ${(100 * r.studentAccuracy).toFixed(2)}% | ${(100 * r.finalAccuracy).toFixed(2)}% | ${(100 * r.teacherOnlyAccuracy).toFixed(2)}% | ${(100 * (r.finalAccuracy - r.teacherOnlyAccuracy)).toFixed(2)} pts | ${(100 * r.agreementWithTeacherOnly).toFixed(2)}% | ${Number.isNaN(r.costSaved) ? 'n/a' : pct(r.costSaved)} | ${Number.isNaN(r.costSavedWithShadow) ? 'n/a' : `${pct(r.costSavedWithShadow)} (${r.shadowCalls} checks)`} | ${r.labelsCaptured} | ${r.students} | ${r.version} |`,
    );
  }
  console.log(`\nLearning curve (share of the next 250 train-stream requests the student answered once the teacher had given N labels):\n`);
  console.log(`| run | ${CHECKPOINTS.map((c) => `${c}`).join(' | ')} | all (test split) |`);
  console.log(`| --- | ${CHECKPOINTS.map(() => '---').join(' | ')} | --- |`);
  for (const r of results) console.log(`| ${r.name} | ${r.curve.map((c) => (c.coverage === null ? '–' : pct(c.coverage))).join(' | ')} | ${pct(r.coverage)} |`);
  for (const r of results)
    console.log(
      `\n${r.name}: student inference ${r.inferenceUs.best.toFixed(1)} µs per request, best of 9 passes over the test split (median pass ${r.inferenceUs.median.toFixed(1)} µs; TaskStage.answer in process: input, features, prediction, answer)`,
    );
  const novelty = results.find((r) => r.novelty !== undefined);
  if (novelty?.novelty !== undefined) console.log(`\nNovelty: CLINC150 oos_test sent to the Banking77 task: ${pct(novelty.novelty)} escalated to the teacher`);
  if (!only || only === 'training') {
    const t = await trainingUnderLoad();
    console.log(
      `\nTraining on ${t.examples} examples (tandem distill path: store read, worker, store write): alone ${(t.aloneMs / 1000).toFixed(1)} s wall, ${(t.aloneWorkerMs / 1000).toFixed(1)} s in the worker; while serving the requests below ${(t.wallMs / 1000).toFixed(1)} s wall, ${(t.workerMs / 1000).toFixed(1)} s in the worker (lowest thread priority)`,
    );
    console.log(
      `Other requests (${t.samples} sequential, to the teacher named directly) while it trained: p50 ${t.trainingP50.toFixed(2)} ms, p99 ${t.trainingP99.toFixed(2)} ms; idle: p50 ${t.idleP50.toFixed(2)} ms, p99 ${t.idleP99.toFixed(2)} ms; p99 added ${(t.trainingP99 - t.idleP99).toFixed(2)} ms`,
    );
  }
}

await main();
