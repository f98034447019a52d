/**
 * The adapter for Anthropic's Messages API (https://docs.anthropic.com/en/api/messages), translating
 * OpenAI-shaped ChatRequests to it and its answers back (see convert-to-anthropic-*.ts and the parsers).
 * HTTP goes through the same pooled undici client as the OpenAI-compatible adapter.
 */
import type { AnthropicModelConfig } from '../../config/schema.js';
import type { ModelInfo } from '../../spec/model-info.js';
import type { PoolRegistry } from '../http/pool-registry.js';
import { createUpstreamHttp } from '../http/upstream-http.js';
import type { ProviderAdapter } from '../provider-adapter.js';
import { anthropicStreamParts } from './anthropic-stream-parts.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { parseAnthropicResponse } from './parse-anthropic-response.js';

export interface AnthropicAdapterOptions {
  /** The model's name in tandem.yaml; names the upstream in errors. */
  name: string;
  config: AnthropicModelConfig;
  info: ModelInfo;
  pools?: PoolRegistry;
}

export function createAnthropicAdapter(options: AnthropicAdapterOptions): ProviderAdapter {
  const { name, config, info } = options;
  // https://docs.anthropic.com/en/api/overview#authentication and /en/api/versioning
  const headers: Record<string, string> = { ...config.headers, 'anthropic-version': config.api_version };
  if (config.api_key) headers['x-api-key'] = config.api_key;
  const http = createUpstreamHttp({
    provider: name,
    baseUrl: config.base_url,
    connections: config.connections,
    headers,
    timeoutMs: info.timeoutMs,
    ...(options.pools ? { pools: options.pools } : {}),
  });
  // base_url is usually the bare origin; accept one that already ends in /v1 as well.
  const path = new URL(config.base_url).pathname.replace(/\/+$/, '').endsWith('/v1') ? '/messages' : '/v1/messages';

  return {
    info,

    async generate(request, ctx) {
      const { body, jsonTool } = convertToAnthropicRequest(request, {
        model: info.upstreamModel,
        stream: false,
        defaultMaxTokens: info.defaultMaxOutputTokens,
        warn: ctx.warn,
      });
      return parseAnthropicResponse(await http.postJson(path, body, ctx.signal), { provider: name, jsonTool });
    },

    async *stream(request, ctx) {
      const { body, jsonTool } = convertToAnthropicRequest(request, {
        model: info.upstreamModel,
        stream: true,
        defaultMaxTokens: info.defaultMaxOutputTokens,
        warn: ctx.warn,
      });
      // Anthropic always reports usage on streams; ctx.requestStreamUsage needs no flag here.
      const events = await http.postEventStream(path, body, ctx.signal);
      yield* anthropicStreamParts(events, { provider: name, jsonTool });
    },

    close: () => http.close(),
  };
}
