/**
 * Errors in the Anthropic API's shape (https://docs.anthropic.com/en/api/errors):
 * `{"type": "error", "error": {"type": …, "message": …}, "request_id": …}`, with Anthropic's statuses.
 * Tandem's own code (e.g. `privacy_blocked`) stays readable at the start of the message.
 */
import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../../spec/errors.js';

/** Anthropic's error type and status for a Tandem error. Every upstream being overloaded or down is 529 `overloaded_error`. */
export function anthropicErrorType(status: number): { type: string; status: number } {
  if (status === 400 || status === 405 || status === 408 || status === 422) return { type: 'invalid_request_error', status };
  if (status === 401) return { type: 'authentication_error', status };
  if (status === 403) return { type: 'permission_error', status };
  if (status === 404) return { type: 'not_found_error', status };
  if (status === 413) return { type: 'request_too_large', status };
  if (status === 429) return { type: 'rate_limit_error', status };
  if (status === 503 || status === 529) return { type: 'overloaded_error', status: 529 };
  if (status >= 500) return { type: 'api_error', status };
  return { type: 'invalid_request_error', status };
}

export function anthropicErrorBody(error: GatewayError, requestId: string | null): { status: number; body: string } {
  const { type, status } = anthropicErrorType(error.status);
  const message = error.code && !error.message.includes(error.code) ? `${error.message} (${error.code})` : error.message;
  return { status, body: JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }) };
}

export function sendAnthropicError(res: ServerResponse, error: GatewayError, headers: Record<string, string> = {}): void {
  const requestId = headers['x-tandem-request-id'] ?? null;
  const { status, body } = anthropicErrorBody(error, requestId);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
    ...(requestId === null ? {} : { 'request-id': requestId }),
    ...error.headers,
  });
  res.end(body);
}
