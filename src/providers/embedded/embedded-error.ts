/** ProviderErrors for the embedded runtime, with messages that name the file and the fix. */
import { ProviderError } from '../../spec/errors.js';

export function modelFileError(options: { provider: string; path: string; problem: string; cause?: unknown }): ProviderError {
  return new ProviderError({
    provider: options.provider,
    message:
      `Embedded model '${options.provider}': ${options.problem} (${options.path}). ` +
      'Point `path` in tandem.yaml (relative to the config file) at a GGUF model llama.cpp can load, ' +
      'e.g. the bundled models/stories260K.gguf; see docs/embedded-models.md.',
    kind: 'connection',
    // Retrying the same file will not make it appear; other candidates may still be tried.
    isRetryable: false,
    cause: options.cause,
  });
}

export function runtimeError(options: { provider: string; message: string; cause?: unknown }): ProviderError {
  return new ProviderError({
    provider: options.provider,
    message: `Embedded model '${options.provider}': ${options.message}`,
    kind: 'connection',
    isRetryable: false,
    cause: options.cause,
  });
}

export function abortedError(provider: string, cause?: unknown): ProviderError {
  return new ProviderError({
    provider,
    message: `Embedded model '${provider}': generation aborted`,
    kind: 'aborted',
    cause,
  });
}
