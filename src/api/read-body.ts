/** Reads a request body with a size limit (413) and strict UTF-8 (400), then parses JSON (400). */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../spec/errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  // Events rather than `for await`: an async iterator costs several promise hops per chunk, on every request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: unknown): void => {
      req.off('data', onData).off('end', onEnd).off('error', fail).off('close', onClose);
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // A chunked body without a declared length ran over: keep nothing more of it. The rest drains
        // unread while the 413 goes out with `connection: close` (server.ts), which then ends the connection.
        fail(tooLarge(maxBytes));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      req.off('data', onData).off('error', fail).off('close', onClose);
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
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

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new GatewayError({ status: 400, code: 'invalid_json', message: 'The request body is empty; send a JSON object.' });
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
  return new GatewayError({ status: 413, code: 'request_too_large', message: `The request body is larger than the configured limit of ${maxBytes} bytes (server.max_body_bytes).` });
}
