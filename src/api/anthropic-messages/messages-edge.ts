/**
 * POST /v1/messages and POST /v1/messages/count_tokens: the Anthropic Messages API around the pipeline
 * (gateway/pipeline.ts). The `model` field names a route or a model exactly as on chat completions; the
 * key comes as `x-api-key` or `Authorization: Bearer` (authenticate.ts); `anthropic-version` is accepted
 * whatever its value (the format served is the current one).
 */
import type { ServerResponse } from 'node:http';
import { countInputTokens } from '../../gateway/count-tokens.js';
import type { Gateway } from '../../gateway/gateway.js';
import { serveChatEdge, type EdgeCodec } from '../edge-request.js';
import { parseJsonBody } from '../read-body.js';
import type { RequestContext } from '../request-context.js';
import { routeHeaders } from '../route-headers.js';
import { sendAnthropicError } from './anthropic-error.js';
import { encodeMessage, MessageEventEncoder } from './messages-encoder.js';
import { parseCountTokensRequest, parseMessagesRequest } from './parse-messages-request.js';

export function handleMessages(gateway: Gateway, ctx: RequestContext, res: ServerResponse): Promise<void> {
  const id = `msg_${ctx.id}`;
  const codec: EdgeCodec = {
    parse: (json) => parseMessagesRequest(json, gateway.config.server),
    encode: ({ result, usage, model }) => JSON.stringify(encodeMessage({ id, model, result, usage })),
    stream: ({ model }) => new MessageEventEncoder(id, model),
    sendError: sendAnthropicError,
    headers: { 'request-id': ctx.id },
  };
  return serveChatEdge(gateway, ctx, res, codec);
}

export async function handleCountTokens(gateway: Gateway, ctx: RequestContext, res: ServerResponse): Promise<void> {
  const request = parseCountTokensRequest(parseJsonBody(ctx.bodyText, gateway.config.server), gateway.config.server);
  const { inputTokens, model } = await countInputTokens(gateway, ctx, request);
  const body = JSON.stringify({ input_tokens: inputTokens });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...routeHeaders({ ctx, model, reason: 'count_tokens', overheadMs: performance.now() - ctx.started }),
    'request-id': ctx.id,
  });
  res.end(body);
}
