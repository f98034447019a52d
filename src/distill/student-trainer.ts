/**
 * Runs student training on one worker thread (train-student-worker.ts), started on first use and kept
 * while jobs come, so training never holds the gateway's event loop. Jobs run one at a time in order.
 * Started from the TypeScript sources under tsx, or from dist/ as compiled JavaScript (as
 * privacy/detect-pii-pool.ts does).
 */
import { Worker } from 'node:worker_threads';
import type { TrainReply, TrainMessage, TrainedStudent } from './train-student-worker.js';
import type { TrainStudentJob } from './train-student.js';

function spawn(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./train-student-worker.js', here));
  // A loader registered through tsx's API is not inherited by worker threads: the worker registers it itself.
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./train-student-worker.ts', here).href;
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

export class StudentTrainer {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(result: TrainedStudent): void; reject(error: Error): void }>();
  private nextId = 1;
  private closed = false;

  train(job: TrainStudentJob): Promise<TrainedStudent> {
    if (this.closed) return Promise.reject(new Error('the student trainer is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      const message: TrainMessage = { id, job };
      worker.postMessage(message);
    });
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  private start(): Worker {
    const worker = spawn();
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: TrainReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      // An idle trainer never keeps the process alive; a caller awaiting a job does.
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(`student training failed: ${reply.error}`));
      else waiting.resolve(reply.result);
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`student training worker exited (${code})`)));
    return worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
