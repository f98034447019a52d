/**
 * What a client sees when the store cannot take or give data (its database is unreachable and, for a
 * write, the local spool cannot keep it either): a 503 in OpenAI's error shape with a fixed message. The
 * database's own text (host names, "database … is not accepting connections") stays in the server log.
 */
import { GatewayError } from '../spec/errors.js';

export const STORE_UNAVAILABLE_CODE = 'store_unavailable';

export function storeUnavailableError(cause?: unknown): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'server_error',
    code: STORE_UNAVAILABLE_CODE,
    message: "The gateway's storage is temporarily unavailable; please retry shortly.",
    headers: { 'retry-after': '2' },
    cause,
  });
}
