/**
 * Takes detection of large requests off the event loop: a small pool of worker threads, started on first
 * use. Detection reads ~5–10 MB/s on one core, so an 8 MB body would hold the loop for a second or more;
 * on a worker, concurrent small requests are answered meanwhile. Requests below OFF_LOOP_MIN_CHARS are
 * detected inline: for them the thread hop (copying the texts both ways, ~0.1–0.3 ms) would cost more than
 * it saves (docs/decisions/large-body-detection.md).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RequestDetectOptions } from './detect-request-pii.js';
import { summarise, type DetectionSummary } from './detection-summary.js';
import type { DetectJob, DetectReply } from './detect-pii-worker.js';
import type { RequestText } from './request-texts.js';

/** Requests with at least this many characters of text are detected on a worker (~10 ms of detection inline). */
export let OFF_LOOP_MIN_CHARS = 64 * 1024;

/** Moves the threshold (benches compare against inline detection with Infinity). */
export function setOffLoopMinChars(chars: number): void {
  OFF_LOOP_MIN_CHARS = chars;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve(summary: DetectionSummary): void; reject(error: Error): void }>;
}

const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism() - 1));
const workers: PoolWorker[] = [];
let nextId = 1;
let answered = 0;
let unavailable: string | null = null;

function spawn(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./detect-pii-worker.js', here));
  // Running from the TypeScript sources (tests, `npm start`): the worker registers tsx's loader itself,
  // since a loader registered through its API (bin/tandem.js) is not inherited by worker threads.
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./detect-pii-worker.ts', here).href;
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

function start(): PoolWorker {
  const pw: PoolWorker = { worker: spawn(), pending: new Map() };
  // The pool never keeps the process alive on its own; a request waiting on it does. Unref'd again once
  // online (unless busy): a worker started through an eval'd loader (tsx) is ref'd again while it boots.
  pw.worker.unref();
  pw.worker.once('online', () => {
    if (pw.pending.size === 0) pw.worker.unref();
  });
  pw.worker.on('message', (reply: DetectReply) => {
    const waiting = pw.pending.get(reply.id);
    if (!waiting) return;
    pw.pending.delete(reply.id);
    answered++;
    if (pw.pending.size === 0) pw.worker.unref();
    if ('error' in reply) waiting.reject(new Error(`PII detection failed on a worker thread: ${reply.error}`));
    else waiting.resolve(reply.summary);
  });
  const fail = (error: Error): void => {
    const index = workers.indexOf(pw);
    if (index >= 0) workers.splice(index, 1);
    for (const waiting of pw.pending.values()) waiting.reject(error);
    pw.pending.clear();
  };
  pw.worker.on('error', fail);
  pw.worker.on('exit', (code) => fail(new Error(`PII detection worker exited (${code})`)));
  workers.push(pw);
  return pw;
}

function pick(): PoolWorker {
  const idle = workers.find((w) => w.pending.size === 0);
  if (idle) return idle;
  if (workers.length < POOL_SIZE) return start();
  return workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
}

/** Detection (and the rewrite plan, when asked) for `texts`, on a worker thread (inline if none can be started). */
export async function detectOffLoop(texts: RequestText[], options: RequestDetectOptions, how: { rewrite: boolean }): Promise<DetectionSummary> {
  const inline = (): DetectionSummary => summarise(texts, options, { rewrite: how.rewrite, keepFindings: false });
  if (unavailable !== null) return inline();
  let pw: PoolWorker;
  try {
    pw = pick();
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    console.error(`tandem: PII detection worker unavailable, detecting large requests inline: ${unavailable}`);
    return inline();
  }
  const id = nextId++;
  return new Promise<DetectionSummary>((resolve, reject) => {
    pw.pending.set(id, { resolve, reject });
    // Held while it has work: a caller awaiting the answer keeps the process alive until it comes.
    pw.worker.ref();
    const job: DetectJob = { id, texts, options, rewrite: how.rewrite };
    pw.worker.postMessage(job);
  });
}

/**
 * Starts the pool's threads ahead of the first large request (a route with a privacy policy calls this when
 * it is built): starting a worker costs tens of milliseconds of the starting thread, which a request should
 * not wait for. Errors are left for detectOffLoop to report.
 */
export function warmDetectionPool(): void {
  if (workers.length > 0 || unavailable !== null) return;
  try {
    start();
  } catch {
    // detectOffLoop tries again, and falls back to inline detection with a message.
  }
}

/** How many jobs the pool's threads have answered since the process started (tests, diagnostics). */
export function detectionPoolAnswered(): number {
  return answered;
}

/** Stops the pool's threads (tests; the gateway lets them die with the process). */
export async function stopDetectionPool(): Promise<void> {
  await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
}
