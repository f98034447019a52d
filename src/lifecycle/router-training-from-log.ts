/**
 * Training labels for a learned router from the request log (docs/lifecycle.md#routers-learn-from-the-log),
 * in the shape every router trainer reads (LabelledExample: a prompt, the small and the large model's
 * quality on it).
 *
 * - Client feedback (`score`, else `correct` as 1/0) on an answer of the small model is the small
 *   model's quality; on the large model's, the large model's.
 * - A shadow pair (router-training-shadow.ts) is the small model's quality judged against the large
 *   model's answer to the same request.
 * - A person's rating beats a shadow verdict on the same request. Where only one side is known, the large
 *   model is taken as the reference (quality 1) — the router learns which prompts the small model fails —
 *   and a request with only the large model's quality (no shadow pair) says nothing about the small one,
 *   so it is left out.
 *
 * The prompt is read from the logged request body, so the route must log bodies (`store.log_bodies`).
 */
import type { RouteConfig } from '../config/schema.js';
import type { LabelledDataset, LabelledExample } from '../quality/datasets/labelled-dataset.js';
import { routingText } from '../quality/learned-scorer.js';
import type { FeedbackEntry } from '../store/feedback.js';
import type { Store } from '../store/request-log.js';
import { requestTurns } from './logged-conversation.js';

export interface LogDatasetOptions {
  store: Pick<Store, 'feedback' | 'requestLog'>;
  route: string;
  config: RouteConfig;
  /** Feedback recorded at or after this time (ms). */
  since?: number;
}

export interface LogDatasetReport {
  dataset: LabelledDataset;
  /** Examples whose small-model quality came from a person, and from a shadow pair. */
  fromFeedback: number;
  fromShadow: number;
  /** Rated requests left out, by why. */
  skipped: { 'large model only': number; 'no logged prompt': number; 'no score or verdict': number; 'request gone': number; 'other model': number };
}

/** The quality a feedback entry gives: its score, else its verdict as 1/0, else null (a label alone). */
export function feedbackQuality(entry: Pick<FeedbackEntry, 'score' | 'correct'>): number | null {
  if (entry.score !== null) return entry.score;
  if (entry.correct !== null) return entry.correct ? 1 : 0;
  return null;
}

export async function datasetFromLog(options: LogDatasetOptions): Promise<LogDatasetReport> {
  const router = options.config.router;
  if (router?.type !== 'learned' && router?.type !== 'scored' && router?.type !== 'cascade') {
    throw new Error(`route "${options.route}" has no small/large router (learned, scored or cascade): nothing to train a router for`);
  }
  const { small, large } = router;
  const window = { route: options.route, ...(options.since !== undefined ? { since: options.since } : {}) };
  const [client, shadow] = await Promise.all([
    options.store.feedback.latestByRoute(window),
    options.store.feedback.latestByRoute({ ...window, source: 'shadow' }),
  ]);
  const report: LogDatasetReport = {
    dataset: { name: `log:${options.route}`, weakModel: small, strongModel: large, examples: [] },
    fromFeedback: 0,
    fromShadow: 0,
    skipped: { 'large model only': 0, 'no logged prompt': 0, 'no score or verdict': 0, 'request gone': 0, 'other model': 0 },
  };
  const byRequest = new Map<string, { weak?: number; strong?: number; source?: 'feedback' | 'shadow' }>();
  for (const entry of shadow) {
    const quality = feedbackQuality(entry);
    if (quality !== null && entry.model === small) byRequest.set(entry.requestId, { weak: quality, source: 'shadow' });
  }
  for (const entry of client) {
    const quality = feedbackQuality(entry);
    if (quality === null) {
      report.skipped['no score or verdict']++;
      continue;
    }
    const known = byRequest.get(entry.requestId) ?? {};
    if (entry.model === small) byRequest.set(entry.requestId, { ...known, weak: quality, source: 'feedback' });
    else if (entry.model === large) byRequest.set(entry.requestId, { ...known, strong: quality });
    else report.skipped['other model']++;
  }
  for (const [id, labels] of byRequest) {
    if (labels.weak === undefined) {
      report.skipped['large model only']++;
      continue;
    }
    const request = await options.store.requestLog.get(id);
    if (request === undefined) {
      report.skipped['request gone']++;
      continue;
    }
    const turns = requestTurns(request.requestBody);
    const prompt = turns === null ? '' : routingText({ messages: turns.map((t) => ({ role: t.role, content: t.content })) });
    if (prompt === '') {
      report.skipped['no logged prompt']++;
      continue;
    }
    const example: LabelledExample = { id, prompt, weak: labels.weak, strong: labels.strong ?? 1 };
    report.dataset.examples.push(example);
    if (labels.source === 'shadow') report.fromShadow++;
    else report.fromFeedback++;
  }
  return report;
}
