/** The x-tandem-* headers every response carries, and the request id as OpenAI names it. */
import type { RequestContext } from './request-context.js';

export function routeHeaders(options: {
  ctx: RequestContext;
  model: string | null;
  reason: string;
  overheadMs: number;
  /** A scored router's score (a cascade's: the verifier's) and threshold, so clients can see how close the call was. */
  score?: number | null;
  threshold?: number | null;
}): Record<string, string> {
  return {
    'x-tandem-request-id': options.ctx.id,
    // The same id under the name OpenAI's SDKs read: `completion._request_id` in the openai client.
    'x-request-id': options.ctx.id,
    // Only what is known: an endpoint that routes nothing (or a request refused before routing) has no model.
    ...(options.model ? { 'x-tandem-model': options.model } : {}),
    ...(options.reason ? { 'x-tandem-route-reason': headerSafe(options.reason) } : {}),
    'x-tandem-overhead-ms': options.overheadMs.toFixed(3),
    ...(typeof options.score === 'number' ? { 'x-tandem-route-score': options.score.toFixed(4) } : {}),
    ...(typeof options.threshold === 'number' ? { 'x-tandem-route-threshold': options.threshold.toFixed(4) } : {}),
  };
}

/** Header values must be Latin-1 without control characters; keep them short. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
