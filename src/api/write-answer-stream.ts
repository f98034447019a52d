/**
 * Writes a pipeline's streamed answer as server-sent events, in whichever API's events `encode` produces.
 * Content parts go out as they come (waiting for the socket to drain when it is full); the `finish` or
 * `failed` part, which the pipeline yields only after the request's row is written, goes out with the
 * stream's last bytes in one write. A client that leaves mid-stream stops the writes, not the iteration:
 * the pipeline ends the upstream call and records the row.
 */
import type { ServerResponse } from 'node:http';
import type { AnswerPart } from '../gateway/pipeline.js';

export interface SseEncoder {
  /** What goes out before the first part (an opening event), or ''. */
  open(): string;
  /** The events for one part, or ''. */
  part(part: AnswerPart): string;
  /** What ends the stream after the last part (`data: [DONE]`, a closing event), or ''. */
  close(): string;
}

export async function writeAnswerStream(res: ServerResponse, signal: AbortSignal, parts: AsyncIterable<AnswerPart>, encoder: SseEncoder): Promise<void> {
  let pending = encoder.open();
  for await (const part of parts) {
    pending += encoder.part(part);
    if (part.type === 'finish' || part.type === 'failed' || pending.length === 0 || res.destroyed) continue;
    const ok = res.write(pending);
    pending = '';
    if (!ok) await waitForDrain(res, signal);
  }
  if (!res.destroyed) res.end(pending + encoder.close());
}

function waitForDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The SSE headers every streaming edge sends. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // No `connection` header: node answers keep-alive or close as the client (and a drain) asked; forcing
  // keep-alive here overrode a client's `Connection: close` and the drain's.
};
