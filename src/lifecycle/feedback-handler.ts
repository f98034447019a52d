/**
 * The HTTP side of feedback (docs/lifecycle.md#feedback): `POST /v1/feedback` with a JSON body, and the
 * `x-tandem-feedback` header on any other API request, recorded before that request is served (a bad or
 * foreign rating fails it with the same 400/404 the endpoint would give, before any upstream is called).
 */
import type { ServerResponse } from 'node:http';
import type { Caller } from '../gateway/caller.js';
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';
import { FEEDBACK_HEADER, FEEDBACK_REQUEST_ID_HEADER, parseFeedbackBody, parseFeedbackHeaders } from './feedback-body.js';
import { feedbackResponse, recordFeedback, type FeedbackCaller } from './feedback-recorder.js';

export const FEEDBACK_ENDPOINT = 'POST /v1/feedback';
/** Set on the response of a request that carried a rating in its headers: the id of the stored entry. */
export const FEEDBACK_RECORDED_HEADER = 'x-tandem-feedback-id';

/**
 * Who is rating. The server marks a caller that sent the admin key on the feedback endpoint with keyId
 * `admin` and no API key (as on the admin endpoints); API key ids are `key-…`, so the two never mix.
 */
export function feedbackCaller(ctx: Caller): FeedbackCaller {
  const admin = ctx.keyId === 'admin' && !ctx.key;
  return { admin, keyId: admin ? null : (ctx.key?.id ?? ctx.keyId) };
}

/** POST /v1/feedback: the answer's JSON. `body` is the parsed JSON body. */
export async function handleFeedback(gateway: Gateway, ctx: Caller, body: unknown): Promise<Record<string, unknown>> {
  const rating = parseFeedbackBody(body);
  return feedbackResponse(await recordFeedback(gateway, feedbackCaller(ctx), rating, ctx.time));
}

/** Whether a request carries the header form. */
export function hasFeedbackHeaders(ctx: Caller): boolean {
  return ctx.headers[FEEDBACK_HEADER] !== undefined || ctx.headers[FEEDBACK_REQUEST_ID_HEADER] !== undefined;
}

/** Records the header form's rating; throws a 400/404 GatewayError for a bad or foreign one. */
export async function recordHeaderFeedback(gateway: Gateway, ctx: Caller, res: ServerResponse): Promise<void> {
  const rating = parseFeedbackHeaders(ctx.headers);
  if (rating === null) return;
  let recorded: Awaited<ReturnType<typeof recordFeedback>>;
  try {
    recorded = await recordFeedback(gateway, feedbackCaller(ctx), rating, ctx.time);
  } catch (error) {
    // The same 404, naming the header the id came in.
    if (error instanceof GatewayError && error.param === 'request_id') {
      throw new GatewayError({ status: error.status, code: error.code, param: FEEDBACK_REQUEST_ID_HEADER, message: error.message });
    }
    throw error;
  }
  res.setHeader(FEEDBACK_RECORDED_HEADER, `fb_${recorded.entry.seq}`);
}
