/**
 * An Embedder over a configured model's embeddings endpoint (`capabilities.embeddings`), for collections
 * that name an `embeddings_model`. Texts go in batches; a failing model becomes the GatewayError the
 * request path uses for any upstream failure (502/503/504 with the model named, never a 500), and an answer
 * with the wrong number of vectors or a changing width is a 502.
 */
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { singleCallFailure } from '../routing/execute-plan.js';
import { GatewayError } from '../spec/errors.js';
import type { Embedder } from '../vector/embedder.js';

/** Inputs per upstream call (OpenAI allows 2048; local servers are happier with fewer). */
const BATCH = 64;

export class ModelEmbedder implements Embedder {
  readonly name: string;
  /** Known after the first call (0 until then): the model decides it. */
  dimensions = 0;

  constructor(
    private readonly adapter: ProviderAdapter,
    private readonly requestId: () => string = () => 'retrieval',
  ) {
    this.name = `model:${adapter.info.name}`;
  }

  async embed(texts: readonly string[], signal: AbortSignal = new AbortController().signal): Promise<Float32Array[]> {
    const embed = this.adapter.embed?.bind(this.adapter);
    const model = this.adapter.info;
    if (!embed) {
      throw new GatewayError({
        status: 503,
        code: 'embeddings_unavailable',
        message: `Model "${model.name}" cannot embed: it does not declare capabilities.embeddings.`,
      });
    }
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH);
      const started = performance.now();
      let embeddings: number[][];
      try {
        ({ embeddings } = await embed(batch, { signal, requestId: this.requestId(), warn: () => undefined, requestStreamUsage: false }));
      } catch (error) {
        throw singleCallFailure(model, error, signal, performance.now() - started);
      }
      if (embeddings.length !== batch.length) throw badAnswer(model.name, `${embeddings.length} vectors for ${batch.length} texts`);
      for (const vector of embeddings) {
        if (this.dimensions === 0) this.dimensions = vector.length;
        if (vector.length === 0 || vector.length !== this.dimensions)
          throw badAnswer(model.name, `a vector of ${vector.length} dimensions, not ${this.dimensions}`);
        out.push(Float32Array.from(vector));
      }
    }
    return out;
  }
}

function badAnswer(model: string, what: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'api_error',
    code: 'bad_upstream_answer',
    message: `Embeddings model "${model}" answered ${what}.`,
  });
}
