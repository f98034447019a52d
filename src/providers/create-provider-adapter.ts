/**
 * Builds the adapter for one configured model. The only place that dispatches on `provider`.
 * The embedded runtime (node-llama-cpp) is imported lazily, only when an embedded model is configured.
 */
import type { ModelConfig } from '../config/schema.js';
import type { ModelInfo } from '../spec/model-info.js';
import { createAnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { modelInfoFromConfig } from './model-info-from-config.js';
import { createOpenAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter.js';
import type { PoolRegistry } from './http/pool-registry.js';
import type { ProviderAdapter } from './provider-adapter.js';

export { modelInfoFromConfig } from './model-info-from-config.js';

export interface CreateProviderAdapterOptions {
  /** The model's name in tandem.yaml. */
  name: string;
  config: ModelConfig;
  /** Defaults to modelInfoFromConfig(name, config). Embedded adapters derive their own from the model file. */
  info?: ModelInfo;
  /** Directory relative paths in the config resolve against (the config file's directory). */
  baseDir: string;
  /** Connection pools for HTTP providers; defaults to the process-wide registry. */
  pools?: PoolRegistry;
}

export async function createProviderAdapter(options: CreateProviderAdapterOptions): Promise<ProviderAdapter> {
  const { name, config, baseDir } = options;
  const pools = options.pools ? { pools: options.pools } : {};
  switch (config.provider) {
    case 'openai-compatible':
      return createOpenAICompatibleAdapter({ name, config, info: options.info ?? modelInfoFromConfig(name, config), ...pools });
    case 'anthropic':
      return createAnthropicAdapter({ name, config, info: options.info ?? modelInfoFromConfig(name, config), ...pools });
    case 'embedded': {
      const { createEmbeddedAdapter } = await import('./embedded/embedded-adapter.js');
      return createEmbeddedAdapter({ name, config, baseDir });
    }
  }
}
