/**
 * What every chat edge does around the pipeline (gateway/pipeline.ts): count the request, trace it, abort it
 * when the client leaves, and put the answer or the failure on the wire through the edge's codec. An edge
 * is only its codec: how its API's body becomes a ChatRequest, and how answers and errors look in it.
 */
import type { ServerResponse } from 'node:http';
import type { Gateway } from '../gateway/gateway.js';
import { answerChat, PipelineFailure, type AnswerMeta, type ChatAnswer } from '../gateway/pipeline.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { GatewayError } from '../spec/errors.js';
import type { ChatResult } from '../spec/stream-part.js';
import type { Usage } from '../spec/usage.js';
import { withRequestSpan } from '../telemetry/tracing/request-span.js';
import { activeTracer } from '../telemetry/tracing/tandem-tracer.js';
import { parseJsonBody } from './read-body.js';
import type { RequestContext } from './request-context.js';
import { headerSafe, routeHeaders } from './route-headers.js';
import { SSE_HEADERS, writeAnswerStream, type SseEncoder } from './write-answer-stream.js';

/** One API's wire format, made per request (its ids). */
export interface EdgeCodec {
  /** The parsed JSON body as a ChatRequest; GatewayErrors (400s) name the bad field. */
  parse(json: unknown): ChatRequest;
  /** A whole answer as the response body. */
  encode(answer: { request: ChatRequest; result: ChatResult; usage: Usage; model: string }): string;
  /** The events of a streamed answer. */
  stream(answer: { request: ChatRequest; model: string }): SseEncoder;
  /** Sends an error in this API's shape, with the x-tandem headers. */
  sendError(res: ServerResponse, error: GatewayError, headers: Record<string, string>): void;
  /** Headers this API's clients read beyond the x-tandem ones (Anthropic's `request-id`). */
  headers?: Record<string, string>;
}

export async function serveChatEdge(gateway: Gateway, ctx: RequestContext, res: ServerResponse, codec: EdgeCodec): Promise<void> {
  gateway.activeRequests++;
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort();
  };
  res.once('close', onClose);
  try {
    // Tracing off: no closure, no span (the common case stays allocation-free).
    if (activeTracer() === undefined) await answer(gateway, ctx, res, codec, abort.signal);
    else await withRequestSpan(ctx.headers, () => answer(gateway, ctx, res, codec, abort.signal));
  } finally {
    res.off('close', onClose);
    gateway.activeRequests--;
  }
}

async function answer(gateway: Gateway, ctx: RequestContext, res: ServerResponse, codec: EdgeCodec, signal: AbortSignal): Promise<void> {
  let request: ChatRequest | undefined;
  let answered: ChatAnswer;
  try {
    answered = await answerChat(gateway, {
      caller: ctx,
      signal,
      parse: () => (request = codec.parse(parseJsonBody(ctx.bodyText, gateway.config.server))),
      encodeForLog: ({ result, usage, model }) => codec.encode({ request: request as ChatRequest, result, usage, model }),
    });
  } catch (error) {
    if (!(error instanceof PipelineFailure)) throw error;
    if (!res.headersSent && !res.destroyed) codec.sendError(res, error.error, answerHeaders(ctx, error.meta));
    return;
  }
  const headers = { ...answerHeaders(ctx, answered.meta), ...codec.headers };
  const model = answered.meta.model ?? '';
  if (!answered.stream) {
    const body = answered.encoded ?? codec.encode({ request: answered.request, result: answered.result, usage: answered.usage, model });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
    return;
  }
  res.writeHead(200, { ...SSE_HEADERS, ...headers });
  await writeAnswerStream(res, signal, answered.parts, codec.stream({ request: answered.request, model }));
}

/** The x-tandem-* headers and the pipeline's own (rate limits, privacy, warnings), made header-safe. */
export function answerHeaders(ctx: RequestContext, meta: AnswerMeta): Record<string, string> {
  const headers = routeHeaders({ ctx, model: meta.model, reason: meta.reason, overheadMs: meta.overheadMs, score: meta.score, threshold: meta.threshold });
  for (const [name, value] of Object.entries(meta.headers)) headers[name] = headerSafe(value);
  return headers;
}
