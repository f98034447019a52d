/**
 * Turns an upstream's non-2xx answer into a ProviderError: status, body (for logs), a readable message
 * from whichever error JSON the upstream speaks, and retry-after.
 */
import { ProviderError, parseRetryAfter } from '../../spec/errors.js';
import { asRecord, asString, parseJson } from '../json-fields.js';

export interface ErrorResponse {
  provider: string;
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function providerErrorFromResponse(response: ErrorResponse): ProviderError {
  const detail = errorMessageFromBody(response.body);
  return new ProviderError({
    provider: response.provider,
    statusCode: response.statusCode,
    message: `${response.provider} answered ${response.statusCode}${detail ? `: ${detail}` : ''}`,
    body: response.body,
    retryAfterMs: parseRetryAfter(response.headers),
  });
}

/**
 * The message inside the error JSON shapes seen in the wild:
 * OpenAI `{error: {message}}`, Anthropic `{type: 'error', error: {type, message}}`,
 * TGI / llama.cpp `{error: "..."}`, FastAPI-style `{detail: "..."}`, and plain `{message}`.
 */
export function errorMessageFromBody(body: string): string {
  const json = asRecord(parseJson(body));
  if (!json) return body.slice(0, 200).trim();
  const error = json.error;
  const nested = asRecord(error);
  return asString(nested?.message) ?? asString(error) ?? asString(json.message) ?? asString(json.detail) ?? body.slice(0, 200).trim();
}
