/** POST /v1/embeddings: to the named model if it declares embeddings, else the configured embeddings_model. */
import { z } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import type { ApiKeyPrincipal } from '../governance/key-ring.js';
import { GatewayError } from '../spec/errors.js';
import { requestIssueToError } from './describe-request-issue.js';
import { singleCallFailure } from '../routing/execute-plan.js';
import type { EmbeddingOptions, EmbeddingResult } from '../providers/provider-adapter.js';

const body = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  // The official openai client asks for base64 unless told otherwise, and decodes it itself.
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});
const KNOWN = new Set(Object.keys(body.shape));

export async function createEmbeddings(
  gateway: Gateway,
  json: unknown,
  call: { signal: AbortSignal; requestId: string; key: ApiKeyPrincipal | null },
): Promise<{ model: string; body: Record<string, unknown> }> {
  const { signal, requestId } = call;
  const parsed = body.safeParse(json);
  if (!parsed.success) throw requestIssueToError(parsed.error, json);
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
  // The model actually called must be one the key may name: embeddings have no routes, and a name that is not
  // an embeddings model falls to embeddings_model, which the check of the body's `model` never saw.
  gateway.governance?.authorize(call.key, { route: null, requestedModel: name });
  const input = typeof parsed.data.input === 'string' ? [parsed.data.input] : parsed.data.input;
  const { dimensions, user } = parsed.data;
  const extra = Object.fromEntries(Object.entries(parsed.data).filter(([key]) => !KNOWN.has(key)));
  const options: EmbeddingOptions = { extra, ...(dimensions === undefined ? {} : { dimensions }), ...(user === undefined ? {} : { user }) };
  const started = performance.now();
  let result: EmbeddingResult;
  try {
    result = await adapter.embed(input, { signal, requestId, warn: () => undefined, requestStreamUsage: false }, options);
  } catch (error) {
    throw singleCallFailure(adapter.info, error, signal, performance.now() - started);
  }
  return {
    model: name,
    body: {
      object: 'list',
      model: name,
      data: result.embeddings.map((embedding, index) => ({
        object: 'embedding',
        index,
        embedding: parsed.data.encoding_format === 'base64' ? float32Base64(embedding) : embedding,
      })),
      usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
    },
  };
}

/** OpenAI's base64 encoding: the vector as little-endian float32s. */
function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (const [i, value] of vector.entries()) bytes.writeFloatLE(value, i * 4);
  return bytes.toString('base64');
}
