/** POST /v1/embeddings: to the named model if it declares embeddings, else the configured embeddings_model. */
import { z } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../spec/errors.js';
import { zodToGatewayError } from './parse-chat-request.js';

const body = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(['float']).optional(),
});

export async function createEmbeddings(gateway: Gateway, json: unknown, signal: AbortSignal, requestId: string): Promise<{ model: string; body: Record<string, unknown> }> {
  const parsed = body.safeParse(json);
  if (!parsed.success) throw zodToGatewayError(parsed.error);
  const requested = gateway.models.get(parsed.data.model);
  const name = requested?.capabilities.embeddings ? requested.name : gateway.config.embeddings_model;
  const adapter = name === undefined ? undefined : gateway.adapters.get(name);
  if (!adapter?.embed || name === undefined) {
    const capable = [...gateway.models.values()].filter((m) => m.capabilities.embeddings).map((m) => m.name);
    throw new GatewayError({
      status: 404,
      code: 'model_not_found',
      param: 'model',
      message: `No embeddings model for "${parsed.data.model}". Models that declare embeddings: ${capable.join(', ') || '(none: set capabilities.embeddings and embeddings_model in tandem.yaml)'}.`,
    });
  }
  const input = typeof parsed.data.input === 'string' ? [parsed.data.input] : parsed.data.input;
  const result = await adapter.embed(input, { signal, requestId, warn: () => undefined, requestStreamUsage: false });
  return {
    model: name,
    body: {
      object: 'list',
      model: name,
      data: result.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
    },
  };
}
