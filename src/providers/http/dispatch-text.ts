/**
 * One HTTP call whose whole answer is read into a string, through undici's handler API (`dispatch`)
 * rather than `request`: no Readable stream, async iterator or body-mixin promise per response, one
 * promise per call. A JSON upstream call is the gateway's most frequent operation
 * (docs/decisions/gateway-hot-path-performance.md, section 12; `npx tsx bench/upstream-client.ts`).
 */
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface TextResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body, UTF-8 decoded; for a non-2xx answer at most `maxErrorBytes` of it. */
  text: string;
}

/** What aborts the call: `aborted`, `reason` and one 'abort' event, the EventEmitter form undici accepts as a signal. */
export interface AbortEmitter extends EventEmitter {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * Sends `options` on `dispatcher` and resolves with the status, headers and body text. Rejects with
 * undici's error on a connection failure, or at once with the abort reason when `aborter` fires (the
 * connection is dropped, also for a call still queued for a socket: undici aborts it once it has one).
 * A non-2xx body longer than `maxErrorBytes` is cut there and its connection dropped: it is for logs,
 * and a misbehaving upstream must not fill memory.
 */
export function dispatchText(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, aborter: AbortEmitter, maxErrorBytes: number): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    if (aborter.aborted) return reject(abortReason(aborter));
    const chunks: Buffer[] = [];
    let bytes = 0;
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;

    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      aborter.removeListener('abort', abortCall);
      outcome();
    };
    const abortCall = (): void => {
      const reason = abortReason(aborter);
      finish(() => reject(reason));
      controller?.abort(reason);
    };
    const body = (): string => (chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8'));

    aborter.once('abort', abortCall);
    dispatcher.dispatch(options, {
      onRequestStart(started) {
        controller = started;
        if (aborter.aborted) started.abort(abortReason(aborter));
      },
      onResponseStart(_controller, status, responseHeaders) {
        // 1xx informational answers precede the real one.
        if (status < 200) return;
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(current, chunk) {
        if (settled) return;
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes > maxErrorBytes && (statusCode < 200 || statusCode >= 300)) {
          const text = Buffer.concat(chunks, bytes).subarray(0, maxErrorBytes).toString('utf8');
          finish(() => resolve({ statusCode, headers, text }));
          current.abort(new Error('error body over the limit'));
        }
      },
      onResponseEnd() {
        finish(() => resolve({ statusCode, headers, text: body() }));
      },
      onResponseError(_controller, error) {
        finish(() => reject(error));
      },
    });
  });
}

function abortReason(aborter: AbortEmitter): Error {
  return aborter.reason instanceof Error ? aborter.reason : new Error(String(aborter.reason));
}
