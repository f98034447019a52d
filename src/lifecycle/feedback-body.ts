/**
 * What a client sends to rate a request (docs/lifecycle.md#feedback), in its two forms: the JSON body of
 * `POST /v1/feedback`, and the `x-tandem-feedback` header on any later API request
 * (`x-tandem-feedback: score=0.8; correct=true; label=refund` with `x-tandem-feedback-request-id: <id>`).
 * Both become one FeedbackRating or a 400 naming the field, in OpenAI's error format.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { requestIssueToError } from '../api/describe-request-issue.js';
import { GatewayError } from '../spec/errors.js';

export interface FeedbackRating {
  requestId: string;
  score: number | null;
  label: string | null;
  correct: boolean | null;
  comment: string | null;
}

/** Request ids are UUIDv7 (36 characters); a little room for ids a client passed in x-request-id style. */
const MAX_REQUEST_ID = 128;
const MAX_LABEL = 200;
const MAX_COMMENT = 4_000;

export const feedbackBodySchema = z.strictObject({
  request_id: z.string().min(1).max(MAX_REQUEST_ID),
  score: z.number().min(0).max(1).nullable().optional(),
  label: z.string().trim().min(1).max(MAX_LABEL).nullable().optional(),
  correct: z.boolean().nullable().optional(),
  comment: z.string().max(MAX_COMMENT).nullable().optional(),
});

const MISSING_RATING = "Give at least one of 'score' (a number from 0 to 1), 'label' (a string) or 'correct' (true or false).";

/** The body of POST /v1/feedback, already parsed as JSON. Throws a 400 naming the offending field. */
export function parseFeedbackBody(input: unknown): FeedbackRating {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GatewayError({ status: 400, message: 'The body must be a JSON object: {"request_id": "…", "score": 0.8}.' });
  }
  const parsed = feedbackBodySchema.safeParse(input);
  if (!parsed.success) throw requestIssueToError(parsed.error, input, []);
  return ratingOf(parsed.data, 'score');
}

function ratingOf(data: z.infer<typeof feedbackBodySchema>, missingParam: string): FeedbackRating {
  const rating: FeedbackRating = {
    requestId: data.request_id,
    score: data.score ?? null,
    label: data.label ?? null,
    correct: data.correct ?? null,
    comment: data.comment ?? null,
  };
  if (rating.score === null && rating.label === null && rating.correct === null) {
    throw new GatewayError({ status: 400, param: missingParam, code: 'missing_required_parameter', message: `Missing feedback. ${MISSING_RATING}` });
  }
  return rating;
}

export const FEEDBACK_HEADER = 'x-tandem-feedback';
export const FEEDBACK_REQUEST_ID_HEADER = 'x-tandem-feedback-request-id';

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(';') : value;
}

/**
 * The header form, or null when the request carries no x-tandem-feedback. Pairs are `name=value`,
 * separated by `;` or `,`; values are percent-decoded (a label or comment with a `;` or non-ASCII text).
 */
export function parseFeedbackHeaders(headers: IncomingHttpHeaders): FeedbackRating | null {
  const header = single(headers, FEEDBACK_HEADER);
  const requestId = single(headers, FEEDBACK_REQUEST_ID_HEADER);
  if (header === undefined) {
    if (requestId === undefined) return null;
    throw headerError(`${FEEDBACK_REQUEST_ID_HEADER} came without ${FEEDBACK_HEADER}. ${headerExample()}`);
  }
  if (requestId === undefined || requestId.trim() === '') {
    throw headerError(`${FEEDBACK_HEADER} needs ${FEEDBACK_REQUEST_ID_HEADER}: the id of the request it rates. ${headerExample()}`, FEEDBACK_REQUEST_ID_HEADER);
  }
  const fields: Record<string, unknown> = { request_id: requestId.trim() };
  for (const pair of header.split(/[;,]/)) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim().toLowerCase();
    if (eq < 0) throw headerError(`Invalid ${FEEDBACK_HEADER}: "${pair.trim()}" is not name=value. ${headerExample()}`);
    if (name in fields) throw headerError(`Invalid ${FEEDBACK_HEADER}: "${name}" is given twice.`);
    let raw: string;
    try {
      raw = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw headerError(`Invalid ${FEEDBACK_HEADER}: the value of "${name}" is not valid percent-encoding.`);
    }
    fields[name] = headerValue(name, raw);
  }
  const parsed = feedbackBodySchema.safeParse(fields);
  if (!parsed.success) {
    const error = requestIssueToError(parsed.error, fields, []);
    throw headerError(`Invalid ${FEEDBACK_HEADER}: ${error.message}`, error.param === 'request_id' ? FEEDBACK_REQUEST_ID_HEADER : FEEDBACK_HEADER);
  }
  try {
    return ratingOf(parsed.data, FEEDBACK_HEADER);
  } catch (error) {
    throw error instanceof GatewayError ? headerError(`Invalid ${FEEDBACK_HEADER}: ${error.message}`) : error;
  }
}

/** Header values are text: numbers and booleans are read as such (else left as text, for zod to name). */
function headerValue(name: string, raw: string): unknown {
  if (name === 'score') return raw === '' || !Number.isFinite(Number(raw)) ? raw : Number(raw);
  if (name === 'correct') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function headerError(message: string, param: string = FEEDBACK_HEADER): GatewayError {
  return new GatewayError({ status: 400, param, code: 'invalid_feedback_header', message });
}

function headerExample(): string {
  return `Example: "${FEEDBACK_HEADER}: score=0.8; correct=true" with "${FEEDBACK_REQUEST_ID_HEADER}: <x-request-id of the rated request>".`;
}
