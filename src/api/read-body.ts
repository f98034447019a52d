/** Reads a request body with a size limit (413) and strict UTF-8 (400), then parses JSON (400). */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../spec/errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new GatewayError({ status: 400, code: 'invalid_encoding', message: 'The request body is not valid UTF-8.' });
  }
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
