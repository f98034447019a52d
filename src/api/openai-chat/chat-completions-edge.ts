/** POST /v1/chat/completions: OpenAI's chat-completions wire format around the pipeline (gateway/pipeline.ts). */
import type { ServerResponse } from 'node:http';
import type { Gateway } from '../../gateway/gateway.js';
import type { AnswerPart } from '../../gateway/pipeline.js';
import type { GatewayError } from '../../spec/errors.js';
import { serveChatEdge, type EdgeCodec } from '../edge-request.js';
import type { RequestContext } from '../request-context.js';
import type { SseEncoder } from '../write-answer-stream.js';
import { ChunkEncoder, DONE_LINE, encodeCompletion, streamErrorLine } from './openai-chat-encoder.js';
import { parseChatRequest } from './parse-chat-request.js';

export function handleChatCompletions(gateway: Gateway, ctx: RequestContext, res: ServerResponse): Promise<void> {
  const id = `chatcmpl-${ctx.id}`;
  const created = Math.floor(ctx.time / 1000);
  const codec: EdgeCodec = {
    parse: (json) => parseChatRequest(json, gateway.config.server),
    encode: ({ result, usage, model }) => JSON.stringify(encodeCompletion({ id, created, model, result, usage })),
    stream: ({ request, model }) => chunkStream(new ChunkEncoder(id, created, model), request.includeUsage),
    sendError,
  };
  return serveChatEdge(gateway, ctx, res, codec);
}

/** Chat-completion chunks: the role chunk first, a finish chunk, the usage chunk when asked, then [DONE]. */
function chunkStream(encoder: ChunkEncoder, includeUsage: boolean): SseEncoder {
  return {
    open: () => encoder.role(),
    part: (part: AnswerPart) => {
      if (part.type === 'failed') return streamErrorLine(part.message);
      if (part.type === 'finish') return encoder.part(part) + (includeUsage ? encoder.usage(part.usage) : '');
      return encoder.part(part);
    },
    close: () => DONE_LINE,
  };
}

/** An error in OpenAI's shape: `{error: {message, type, param, code}}`. */
export function sendError(res: ServerResponse, error: GatewayError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(error.toJSON());
  res.writeHead(error.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers, ...error.headers });
  res.end(body);
}
