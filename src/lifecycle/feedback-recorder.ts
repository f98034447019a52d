/**
 * Records a rating of a logged request and puts it to use (docs/lifecycle.md#feedback).
 *
 * Who may rate: the API key that made the request (its id is on the row), or the admin key; without auth,
 * requests made without a key. An unknown id and another key's request get the same 404, so a caller
 * learns nothing about requests that are not its own.
 *
 * What it is used for, at once: on a task route (docs/distillation.md) a `label` becomes a correction of
 * the request's input, which beats the teacher's label in every later training; `correct` on a serving
 * student's answer counts in its live agreement like a shadow check. Later: router training from the log
 * and the fine-tune export read the stored entries.
 */
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';
import type { FeedbackEntry } from '../store/feedback.js';
import type { FeedbackRating } from './feedback-body.js';
import { applyTaskFeedback, type TaskFeedbackUse } from './feedback-use.js';

export interface FeedbackCaller {
  /** The calling API key's id; null without auth. */
  keyId: string | null;
  /** The admin key: may rate any request. */
  admin: boolean;
}

export interface RecordedFeedback {
  entry: FeedbackEntry;
  used: TaskFeedbackUse;
}

export async function recordFeedback(gateway: Gateway, caller: FeedbackCaller, rating: FeedbackRating, time = Date.now()): Promise<RecordedFeedback> {
  const request = await gateway.store.requestLog.get(rating.requestId);
  if (request === undefined || (!caller.admin && request.keyId !== caller.keyId)) {
    throw new GatewayError({
      status: 404,
      param: 'request_id',
      code: 'request_not_found',
      message: `No request with id "${rating.requestId}" was found for this API key. Use the x-request-id of a request made with the same key.`,
    });
  }
  const entry = await gateway.store.feedback.record({
    requestId: request.id,
    source: 'client',
    route: request.route,
    model: request.model,
    keyId: caller.admin ? 'admin' : caller.keyId,
    time,
    score: rating.score,
    label: rating.label,
    correct: rating.correct,
    comment: rating.comment,
  });
  const used = await applyTaskFeedback({ tasks: gateway.tasks, store: gateway.store.taskExamples, request, entry });
  // A correction changes what the route's students learn from, so it is audited like a registry change: ids
  // only (an open task's label could be any text; the feedback row keeps it), never the request's text.
  if (used.labelCorrection === 'applied') {
    await gateway.governance?.audit?.appendChange({
      action: 'feedback.label',
      subject: `route/${request.route ?? ''}`,
      actor: caller.admin ? 'admin' : `key:${caller.keyId ?? 'anonymous'}`,
      reason: null,
      detail: { requestId: request.id, feedback: `fb_${entry.seq}` },
    });
  }
  // An experiment whose metric is the feedback score counts it for the arm that answered (lifecycle-stage.ts).
  gateway.lifecycle?.feedback(request, entry);
  return { entry, used };
}

/** The JSON answer of POST /v1/feedback. */
export function feedbackResponse(recorded: RecordedFeedback): Record<string, unknown> {
  const { entry, used } = recorded;
  return {
    object: 'feedback',
    id: `fb_${entry.seq}`,
    request_id: entry.requestId,
    created: Math.floor(entry.time / 1000),
    score: entry.score,
    label: entry.label,
    correct: entry.correct,
    comment: entry.comment,
    label_correction: used.labelCorrection,
    student_verdict: used.studentVerdict,
  };
}
