import type { ModelConfig } from '../config/schema.js';
import type { ModelInfo } from '../spec/model-info.js';

/**
 * What routing knows about a configured model, from its tandem.yaml entry alone (nothing is loaded or called).
 * `upstreamKey` is what circuit breakers and latency trackers key on: the origin for HTTP providers (models
 * served by one server share its health), `embedded:<name>` for in-process models.
 */
export function modelInfoFromConfig(name: string, config: ModelConfig): ModelInfo {
  const http = config.provider !== 'embedded';
  return {
    name,
    upstreamModel: http ? (config.model ?? name) : name,
    provider: config.provider,
    locality: config.locality,
    contextWindow: config.context_window,
    defaultMaxOutputTokens: config.default_max_output_tokens,
    pricing: {
      inputPer1M: config.pricing.input_per_1m,
      outputPer1M: config.pricing.output_per_1m,
      cachedInputPer1M: config.pricing.cached_input_per_1m ?? config.pricing.input_per_1m,
    },
    // `auto` says how the flags were found (config/apply-detected-capabilities.ts), not something the model does.
    capabilities: {
      stream: config.capabilities.stream,
      tools: config.capabilities.tools,
      json: config.capabilities.json,
      vision: config.capabilities.vision,
      embeddings: config.capabilities.embeddings,
    },
    upstreamKey: http ? new URL(config.base_url).origin : `embedded:${name}`,
    timeoutMs: config.timeout_ms,
  };
}
