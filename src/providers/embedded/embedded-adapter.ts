/**
 * The `embedded` provider: a GGUF model run in-process by llama.cpp through node-llama-cpp.
 *
 * Nothing is loaded when the adapter is built. The first call imports node-llama-cpp, loads the model and
 * creates one context with `parallel` sequences; later calls share them, queueing when every sequence is busy.
 * CPU only unless `gpu: true`; threads default to 1 on machines with 2 cores or fewer (resolve-threads.ts).
 * See docs/embedded-models.md.
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { EmbeddedModelConfig } from '../../config/schema.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import { ProviderError } from '../../spec/errors.js';
import type { ChatResult, StreamPart } from '../../spec/stream-part.js';
import { modelInfoFromConfig } from '../model-info-from-config.js';
import type { CallContext, ProviderAdapter } from '../provider-adapter.js';
import { abortedError } from './embedded-error.js';
import { startGeneration } from './embedded-generation.js';
import { createResponseGrammar } from './embedded-grammar.js';
import { createPromptFormatter, type EmbeddedPrompt, type PromptFormatter } from './embedded-prompt.js';
import { loadEmbeddedRuntime, type EmbeddedRuntime } from './embedded-runtime.js';
import { mapEmbeddedSettings } from './embedded-settings.js';
import { ABORTED, raceAbort } from './race-abort.js';
import { resolveThreads } from './resolve-threads.js';

export interface EmbeddedAdapterOptions {
  /** The model's name in tandem.yaml. */
  name: string;
  config: EmbeddedModelConfig;
  /** Directory `config.path` is relative to (the config file's directory). */
  baseDir: string;
}

interface Loaded {
  runtime: EmbeddedRuntime;
  formatter: PromptFormatter;
}

export function createEmbeddedAdapter(options: EmbeddedAdapterOptions): ProviderAdapter {
  const { name, config } = options;
  const modelPath = isAbsolute(config.path) ? config.path : resolve(options.baseDir, config.path);
  const info = modelInfoFromConfig(name, config);
  let loading: Promise<Loaded> | undefined;
  let closed = false;

  function load(): Promise<Loaded> {
    if (closed) return Promise.reject(new ProviderError({ provider: name, message: `Embedded model '${name}' is closed`, isRetryable: false }));
    loading ??= (async () => {
      const runtime = await loadEmbeddedRuntime({
        provider: name,
        modelPath,
        gpu: config.gpu,
        threads: resolveThreads(config.threads),
        contextSize: config.context_size,
        contextWindow: config.context_window,
        parallel: config.parallel,
      });
      return { runtime, formatter: createPromptFormatter(runtime.lib, runtime.model) };
    })();
    // A failed load is not cached: the file may be fixed while the gateway runs.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  }

  async function* stream(request: ChatRequest, ctx: CallContext): AsyncGenerator<StreamPart, void, void> {
    // Loading a large model takes seconds; an abort meanwhile answers at once (the load goes on for later calls).
    const loaded = await raceAbort(load(), ctx.signal);
    if (loaded === ABORTED) throw abortedError(name, ctx.signal.reason);
    const { runtime, formatter } = loaded;
    const settings = mapEmbeddedSettings(request.params, request.extra, (m) => ctx.warn(m));
    let prompt: EmbeddedPrompt;
    try {
      prompt = formatter.format(request.messages, (m) => ctx.warn(m));
    } catch (error) {
      throw new ProviderError({
        provider: name,
        message: `Embedded model '${name}': the model's chat template failed (${error instanceof Error ? error.message : String(error)})`,
        kind: 'protocol',
        isRetryable: false,
        cause: error,
      });
    }
    const contextSize = runtime.context.contextSize;
    if (prompt.tokens.length === 0) {
      throw new ProviderError({ provider: name, message: `Embedded model '${name}': the prompt is empty`, statusCode: 400 });
    }
    if (prompt.tokens.length >= contextSize) {
      throw new ProviderError({
        provider: name,
        message: `Embedded model '${name}': the prompt is ${prompt.tokens.length} tokens but the context holds ${contextSize}`,
        statusCode: 400,
      });
    }
    const grammar = await createResponseGrammar({
      llama: runtime.llama,
      format: request.params.response_format,
      warn: (m) => ctx.warn(m),
    });
    const parts = await startGeneration({ provider: name, runtime, prompt, settings, grammar, signal: ctx.signal });
    yield { type: 'start', id: `embd-${randomUUID()}`, model: info.upstreamModel };
    yield* parts;
  }

  return {
    info,
    stream,
    async generate(request, ctx): Promise<ChatResult> {
      let id = '';
      let text = '';
      for await (const part of stream(request, ctx)) {
        switch (part.type) {
          case 'start':
            id = part.id ?? id;
            break;
          case 'text-delta':
            text += part.text;
            break;
          case 'error':
            throw part.error;
          case 'finish':
            return {
              id,
              model: info.upstreamModel,
              text,
              toolCalls: [],
              finishReason: part.finishReason,
              ...(part.usage === undefined ? {} : { usage: part.usage }),
            };
          case 'tool-call-delta':
            break;
        }
      }
      throw new ProviderError({ provider: name, message: `Embedded model '${name}': generation ended without a finish`, kind: 'protocol' });
    },
    async countTokens(text: string): Promise<number> {
      const { runtime } = await load();
      return runtime.model.tokenize(text).length;
    },
    async close(): Promise<void> {
      closed = true;
      const pending = loading;
      loading = undefined;
      if (pending === undefined) return;
      const loaded = await pending.catch(() => undefined);
      if (loaded === undefined) return;
      loaded.runtime.pool.rejectQueued(new ProviderError({ provider: name, message: `Embedded model '${name}' was closed`, isRetryable: true }));
      await loaded.runtime.dispose();
    },
  };
}
