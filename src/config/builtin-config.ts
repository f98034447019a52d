/**
 * The configuration `tandem serve` uses when there is no tandem.yaml: the tiny real model shipped in
 * models/ behind a local route, so a fresh install answers requests with no keys and no servers.
 */
import { fileURLToPath } from 'node:url';
import { configSchema, type TandemConfig } from './schema.js';

/** Where the package's own files live (models/, dashboard/, …). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const BUILTIN_MODEL_PATH = 'models/stories260K.gguf';

export function builtinConfig(): TandemConfig {
  return configSchema.parse({
    models: {
      'stories-260k': {
        provider: 'embedded',
        path: BUILTIN_MODEL_PATH,
        locality: 'local',
        context_window: 512,
        default_max_output_tokens: 128,
        pricing: { input_per_1m: 0, output_per_1m: 0 },
      },
    },
    routes: {
      'tandem/auto': {
        description: 'Built-in route: the shipped demo model until you add your own models.',
        models: ['stories-260k'],
        policies: [{ type: 'privacy' }, { type: 'context-fit' }, { type: 'capability' }],
      },
    },
  });
}
