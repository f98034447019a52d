import { basename } from 'node:path';
import type { EmbeddedModelConfig } from '../../config/schema.js';
import type { ModelInfo } from '../../spec/model-info.js';

/** What routing knows about an embedded model; built from config alone so the model need not be loaded. */
export function embeddedModelInfo(options: { name: string; config: EmbeddedModelConfig; modelPath: string }): ModelInfo {
  const { name, config, modelPath } = options;
  return {
    name,
    upstreamModel: basename(modelPath),
    provider: 'embedded',
    locality: config.locality,
    contextWindow: config.context_window,
    defaultMaxOutputTokens: config.default_max_output_tokens,
    pricing: {
      inputPer1M: config.pricing.input_per_1m,
      outputPer1M: config.pricing.output_per_1m,
      cachedInputPer1M: config.pricing.cached_input_per_1m ?? config.pricing.input_per_1m,
    },
    capabilities: { ...config.capabilities },
    // One in-process runtime per file: that is what a circuit breaker or latency tracker should key on.
    upstreamKey: `embedded:${modelPath}`,
    timeoutMs: config.timeout_ms,
  };
}
