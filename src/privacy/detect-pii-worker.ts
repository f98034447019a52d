/**
 * The worker side of detect-pii-pool.ts: detects in the texts it is sent and, for a pseudonymise route,
 * plans the placeholder copy too, then posts back the summary: counts and the few changed texts, not one
 * object per finding (a large body has tens of thousands, and decoding them would hold the main thread).
 */
import { parentPort } from 'node:worker_threads';
import { summarise, type DetectionSummary } from './detection-summary.js';
import type { RequestDetectOptions } from './detect-request-pii.js';
import type { RequestText } from './request-texts.js';

export interface DetectJob {
  id: number;
  texts: RequestText[];
  options: RequestDetectOptions;
  /** Plan the placeholder copy (pseudonymise routes). */
  rewrite: boolean;
}

export type DetectReply = { id: number; summary: DetectionSummary } | { id: number; error: string };

parentPort?.on('message', (job: DetectJob) => {
  let reply: DetectReply;
  try {
    reply = { id: job.id, summary: summarise(job.texts, job.options, { rewrite: job.rewrite, keepFindings: false }) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
