/** POST /v1/responses: the OpenAI Responses API around the pipeline (gateway/pipeline.ts), statelessly. */
import type { ServerResponse } from 'node:http';
import type { Gateway } from '../../gateway/gateway.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import { serveChatEdge, type EdgeCodec } from '../edge-request.js';
import { sendError } from '../openai-chat/chat-completions-edge.js';
import type { RequestContext } from '../request-context.js';
import { encodeResponse, ResponseEventEncoder, type ResponseEnvelope } from './responses-encoder.js';
import { parseResponsesRequest } from './parse-responses-request.js';

export function handleResponses(gateway: Gateway, ctx: RequestContext, res: ServerResponse): Promise<void> {
  const envelope = (request: ChatRequest, model: string): ResponseEnvelope => ({
    id: `resp_${ctx.id}`,
    createdAt: Math.floor(ctx.time / 1000),
    model,
    request,
  });
  const codec: EdgeCodec = {
    parse: (json) => parseResponsesRequest(json, gateway.config.server),
    encode: ({ request, result, usage, model }) => JSON.stringify(encodeResponse(envelope(request, model), result, usage)),
    stream: ({ request, model }) => new ResponseEventEncoder(envelope(request, model)),
    sendError,
  };
  return serveChatEdge(gateway, ctx, res, codec);
}
