/**
 * `capabilities: auto`: before the gateway starts (and in `tandem validate`), each such model's server is
 * asked what the model supports (detect-capabilities.ts), and what it says replaces the declared flags;
 * what it does not say, or a server that does not answer, leaves the declared values. All models are
 * asked at once, with a short timeout, so a server that is down delays start-up by that timeout at most.
 */
import { Agent } from 'undici';
import { describeDetected, detectCapabilities, type DetectedCapabilities } from './detect-capabilities.js';
import type { TandemConfig } from './schema.js';

export interface CapabilityDetection {
  model: string;
  /** undefined: the server did not say (down, or no API that tells); the declared values apply. */
  found: DetectedCapabilities | undefined;
  /** One line for start-up notes and `tandem validate`. */
  note: string;
}

const FLAGS = ['tools', 'json', 'vision', 'embeddings'] as const;

/** Detects and applies, in place, for every model with `capabilities.auto`; returns what happened to each. */
export async function applyDetectedCapabilities(config: TandemConfig, options: { timeoutMs?: number } = {}): Promise<CapabilityDetection[]> {
  const auto = Object.entries(config.models).filter(([, m]) => m.capabilities.auto === true);
  if (auto.length === 0) return [];
  const timeoutMs = options.timeoutMs ?? 1_500;
  const dispatcher = new Agent({ connect: { timeout: timeoutMs } });
  try {
    return await Promise.all(
      auto.map(async ([name, model]): Promise<CapabilityDetection> => {
        if (model.provider !== 'openai-compatible') {
          return {
            model: name,
            found: undefined,
            note: `models.${name}.capabilities: auto applies to openai-compatible servers only; using the declared values`,
          };
        }
        const found = await detectCapabilities({ baseUrl: model.base_url, model: model.model ?? name, timeoutMs, dispatcher });
        if (found === undefined) {
          return {
            model: name,
            found,
            note: `models.${name}.capabilities: auto, but ${model.base_url} did not say what the model supports; using the declared values`,
          };
        }
        for (const flag of FLAGS) {
          const value = found[flag];
          if (value !== undefined) model.capabilities[flag] = value;
        }
        return { model: name, found, note: `models.${name}.capabilities: detected from ${found.source}: ${describeDetected(found)}` };
      }),
    );
  } finally {
    await dispatcher.destroy();
  }
}
