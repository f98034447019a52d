/**
 * Reads a request body within the edge's limits (413 too large, 503 body budget full, 408 too slow) and as
 * strict UTF-8 (400), then parses JSON (400).
 */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../spec/errors.js';
import { FREE_BYTES_PER_REQUEST, type BodyBudget } from './body-budget.js';
import { checkJsonDepth, DEFAULT_SHAPE_LIMITS, type ShapeLimits } from './json-shape-limits.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export interface BodyLimits {
  /** `server.max_body_bytes`: larger bodies get 413. */
  maxBytes: number;
  /** `server.max_inflight_body_bytes`, shared by every request being read: going over gets 503. */
  budget?: BodyBudget;
  /** `server.body_timeout_ms`: a body not in by then gets 408. */
  timeoutMs?: number;
}

/**
 * The whole body as text. Rejects with 413 (too large), 503 (the shared body budget is full), 408 (too
 * slow), 400 (not UTF-8); the 408 and 503 carry `connection: close`, so a stalled upload is cut with its
 * answer. Whatever happens, the budget gets its bytes back and the timer is cleared.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  const { maxBytes, budget, timeoutMs } = limits;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  // A declared length that cannot fit now is refused before a byte is read rather than after most of them.
  if (budget !== undefined && Number.isFinite(declared) && !budget.fits(declared - FREE_BYTES_PER_REQUEST)) {
    // Drained unread (see failAndDrain) so the 503 is not lost to a reset.
    req.resume();
    return Promise.reject(serverBusy(budget));
  }
  // Events rather than `for await`: an async iterator costs several promise hops per chunk, on every request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    /** Bytes taken from the budget (everything past the free allowance). */
    let taken = 0;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => failAndDrain(tooSlow(timeoutMs)), timeoutMs);
    const settle = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', fail).off('close', onClose);
      clearTimeout(timer);
      budget?.release(taken);
      taken = 0;
    };
    const fail = (error: unknown): void => {
      settle();
      chunks.length = 0;
      reject(error);
    };
    // The rest of a refused body drains unread (kept nowhere) while the error goes out with
    // `connection: close`, which then ends the connection: closing with unread bytes would reset it and
    // could lose the answer.
    const failAndDrain = (error: unknown): void => {
      fail(error);
      req.resume();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // A chunked body without a declared length ran over.
        failAndDrain(tooLarge(maxBytes));
        return;
      }
      const over = size - FREE_BYTES_PER_REQUEST - taken;
      if (budget !== undefined && over > 0) {
        if (!budget.tryTake(over)) {
          failAndDrain(serverBusy(budget));
          return;
        }
        taken += over;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      settle();
      try {
        resolve(decoder.decode(bytes));
      } catch {
        reject(new GatewayError({ status: 400, code: 'invalid_encoding', message: 'The request body is not valid UTF-8.' }));
      }
    };
    // Closed before the body ended: the client went away (the for-await form rejected with ERR_STREAM_PREMATURE_CLOSE).
    const onClose = (): void => {
      if (!req.complete) fail(new Error('the client closed the connection before the request body ended'));
    };
    req.on('data', onData).once('end', onEnd).once('error', fail).once('close', onClose);
  });
}

export function parseJsonBody(text: string, limits: Pick<ShapeLimits, 'max_json_depth'> = DEFAULT_SHAPE_LIMITS): unknown {
  if (text.trim() === '') throw new GatewayError({ status: 400, code: 'invalid_json', message: 'The request body is empty; send a JSON object.' });
  checkJsonDepth(text, limits.max_json_depth);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayError({
      status: 400,
      code: 'invalid_json',
      message: `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: 'request_too_large',
    message: `The request body is larger than the configured limit of ${maxBytes} bytes (server.max_body_bytes).`,
  });
}

function tooSlow(timeoutMs: number): GatewayError {
  return new GatewayError({
    status: 408,
    code: 'request_timeout',
    message: `The request body did not arrive within ${timeoutMs} ms (server.body_timeout_ms).`,
    headers: { connection: 'close' },
  });
}

function serverBusy(budget: BodyBudget): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'server_error',
    code: 'server_busy',
    message: `The gateway is reading ${budget.limit} bytes of request bodies already (server.max_inflight_body_bytes); retry shortly.`,
    headers: { connection: 'close', 'retry-after': '1' },
  });
}
