/**
 * The adapter for OpenAI itself and every server that speaks its chat API (vLLM, llama.cpp server, Ollama,
 * LM Studio, TGI, SGLang, Groq, Together, OpenRouter, …).
 *
 * Requests go through undici's Pool (one per origin, shared; see http/pool-registry.ts). `generate` posts a
 * non-streaming body; `stream` posts `stream: true` and parses SSE into StreamParts. Failures before the
 * response started are thrown as ProviderError; failures after it are yielded as an `error` part.
 */
import type { OpenAICompatibleModelConfig } from '../../config/schema.js';
import { ProviderError } from '../../spec/errors.js';
import type { ModelInfo } from '../../spec/model-info.js';
import type { EmbeddingResult, ProviderAdapter } from '../provider-adapter.js';
import type { PoolRegistry } from '../http/pool-registry.js';
import { createUpstreamHttp } from '../http/upstream-http.js';
import { asArray, asNumber, asRecord, asString } from '../json-fields.js';
import { convertToOpenAICompatibleBody } from './convert-to-openai-compatible-body.js';
import { openAICompatibleStreamParts } from './openai-compatible-stream-parts.js';
import { parseOpenAICompatibleResponse } from './parse-openai-compatible-response.js';

export interface OpenAICompatibleAdapterOptions {
  /** The model's name in tandem.yaml; names the upstream in errors. */
  name: string;
  config: OpenAICompatibleModelConfig;
  info: ModelInfo;
  /** Defaults to the process-wide registry, so models on one origin share connections. */
  pools?: PoolRegistry;
}

export function createOpenAICompatibleAdapter(options: OpenAICompatibleAdapterOptions): ProviderAdapter {
  const { name, config, info } = options;
  const headers: Record<string, string> = { ...config.headers };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;
  const http = createUpstreamHttp({
    provider: name,
    baseUrl: config.base_url,
    connections: config.connections,
    headers,
    timeoutMs: info.timeoutMs,
    ...(options.pools ? { pools: options.pools } : {}),
  });

  const adapter: ProviderAdapter = {
    info,

    async generate(request, ctx) {
      const body = convertToOpenAICompatibleBody(request, {
        model: info.upstreamModel,
        stream: false,
        includeUsage: false,
        warn: ctx.warn,
      });
      return parseOpenAICompatibleResponse(await http.postJson('/chat/completions', body, ctx.signal), name);
    },

    async *stream(request, ctx) {
      const body = convertToOpenAICompatibleBody(request, {
        model: info.upstreamModel,
        stream: true,
        includeUsage: ctx.requestStreamUsage,
        warn: ctx.warn,
      });
      const events = await http.postEventStream('/chat/completions', body, ctx.signal);
      yield* openAICompatibleStreamParts(events, name);
    },

    close: () => http.close(),
  };

  if (info.capabilities.embeddings) {
    adapter.embed = async (input, ctx, options = {}) => {
      // Always floats from the upstream: the gateway re-encodes for a client that asked for base64.
      const body = {
        ...options.extra,
        model: info.upstreamModel,
        input,
        ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
        ...(options.user === undefined ? {} : { user: options.user }),
      };
      return parseEmbeddings(await http.postJson('/embeddings', body, ctx.signal), {
        provider: name,
        count: input.length,
      });
    };
  }
  return adapter;
}

/** https://platform.openai.com/docs/api-reference/embeddings/object — `data` sorted by `index`. */
function parseEmbeddings(json: unknown, options: { provider: string; count: number }): EmbeddingResult {
  const response = asRecord(json);
  const rows: Array<{ index: number; embedding: number[] }> = [];
  for (const [position, item] of (asArray(response?.data) ?? []).entries()) {
    const row = asRecord(item);
    const embedding = asArray(row?.embedding);
    if (!embedding?.every((v) => typeof v === 'number')) continue;
    rows.push({ index: asNumber(row?.index) ?? position, embedding: embedding as number[] });
  }
  if (rows.length !== options.count) {
    throw new ProviderError({
      provider: options.provider,
      kind: 'protocol',
      message: `${options.provider} returned ${rows.length} embeddings for ${options.count} inputs`,
      body: JSON.stringify(json)?.slice(0, 64 * 1024),
    });
  }
  rows.sort((a, b) => a.index - b.index);
  const promptTokens = asNumber(asRecord(response?.usage)?.prompt_tokens);
  return {
    model: asString(response?.model) ?? '',
    embeddings: rows.map((r) => r.embedding),
    // estimated with 0 tokens means "not reported": the caller counts them itself.
    usage: { inputTokens: promptTokens ?? 0, estimated: promptTokens === undefined },
  };
}
