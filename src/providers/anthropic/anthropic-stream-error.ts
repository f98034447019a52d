import { ProviderError } from '../../spec/errors.js';
import { asRecord, asString } from '../json-fields.js';

/**
 * The HTTP status Anthropic documents for each error type (https://docs.anthropic.com/en/api/errors).
 * A stream's error event carries only the type, so the status is inferred to keep retry decisions uniform.
 */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** `event: error` / `data: {"type":"error","error":{"type","message"}}` inside a stream → ProviderError. */
export function anthropicStreamError(provider: string, data: string, json: unknown): ProviderError {
  const error = asRecord(asRecord(json)?.error);
  const type = asString(error?.type);
  const statusCode = type ? STATUS_BY_TYPE[type] : undefined;
  return new ProviderError({
    provider,
    kind: 'http',
    ...(statusCode !== undefined ? { statusCode } : { isRetryable: true }),
    message: `${provider} failed mid-stream: ${type ? `${type}: ` : ''}${asString(error?.message) ?? data.slice(0, 200)}`,
    body: data,
  });
}
