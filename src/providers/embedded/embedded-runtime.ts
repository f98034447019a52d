/**
 * Loads node-llama-cpp, a GGUF model and one context for it, on first use.
 *
 * node-llama-cpp is imported dynamically here and nowhere else at run time, so a gateway without an embedded
 * model never loads the native runtime (STYLE.md: heavy optional dependencies load lazily).
 */
import { open, stat } from 'node:fs/promises';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { ProviderError } from '../../spec/errors.js';
import { modelFileError, runtimeError } from './embedded-error.js';
import { SequencePool } from './sequence-pool.js';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

export interface EmbeddedRuntimeOptions {
  /** The model's name in tandem.yaml, for error messages. */
  provider: string;
  /** Absolute path of the GGUF file. */
  modelPath: string;
  gpu: boolean;
  /** Threads for llama.cpp, or undefined for node-llama-cpp's default. */
  threads: number | undefined;
  /** Tokens per sequence; undefined: the smaller of `contextWindow` and the model's training context. */
  contextSize: number | undefined;
  /** The configured context_window. */
  contextWindow: number;
  /** Sequences decoded in parallel. */
  parallel: number;
}

export interface EmbeddedRuntime {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  pool: SequencePool<LlamaContextSequence>;
  dispose(): Promise<void>;
}

let libPromise: Promise<NodeLlamaCpp> | undefined;
/** One Llama (native backend) per GPU setting, shared by every embedded model in the process. */
const llamaPromises = new Map<boolean, Promise<Llama>>();
/** llama.cpp's most recent error line, quoted in load errors (its logs are otherwise kept off the console). */
let lastNativeError = '';

function loadLib(provider: string): Promise<NodeLlamaCpp> {
  libPromise ??= import('node-llama-cpp').catch((error: unknown) => {
    libPromise = undefined;
    throw runtimeError({
      provider,
      message: `node-llama-cpp could not be loaded (${errorText(error)}); run \`npm install\` in the Tandem directory`,
      cause: error,
    });
  });
  return libPromise;
}

function sharedLlama(lib: NodeLlamaCpp, options: { provider: string; gpu: boolean }): Promise<Llama> {
  let promise = llamaPromises.get(options.gpu);
  if (promise === undefined) {
    promise = lib
      .getLlama({
        gpu: options.gpu ? 'auto' : false,
        // Never compile or download at run time: use the prebuilt binary that npm installed, or fail.
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        logLevel: lib.LlamaLogLevel.warn,
        logger: (level, message) => {
          if (level === lib.LlamaLogLevel.error || level === lib.LlamaLogLevel.fatal) lastNativeError = message.trim();
        },
      })
      .catch((error: unknown) => {
        llamaPromises.delete(options.gpu);
        throw runtimeError({
          provider: options.provider,
          message: `no usable llama.cpp binary (${errorText(error)}). Reinstall with \`npm install\`; for GPU builds see docs/embedded-models.md`,
          cause: error,
        });
      });
    llamaPromises.set(options.gpu, promise);
  }
  return promise;
}

/** Fails fast, with the path in the message, before llama.cpp sees a missing or foreign file. */
async function checkModelFile(provider: string, path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw modelFileError({ provider, path, problem: 'the model path is not a file' });
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw modelFileError({ provider, path, problem: 'model file not found', cause: error });
  }
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead < 4 || magic.toString('latin1') !== 'GGUF') {
      throw modelFileError({ provider, path, problem: 'not a GGUF file (it does not start with the GGUF magic bytes)' });
    }
  } finally {
    await handle.close();
  }
}

export async function loadEmbeddedRuntime(options: EmbeddedRuntimeOptions): Promise<EmbeddedRuntime> {
  const { provider, modelPath } = options;
  await checkModelFile(provider, modelPath);
  const lib = await loadLib(provider);
  const llama = await sharedLlama(lib, { provider, gpu: options.gpu });

  let model: LlamaModel;
  try {
    lastNativeError = '';
    model = await llama.loadModel({ modelPath, gpuLayers: options.gpu ? 'auto' : 0 });
  } catch (error) {
    const detail = lastNativeError ? `${errorText(error)}: ${lastNativeError}` : errorText(error);
    throw modelFileError({ provider, path: modelPath, problem: `llama.cpp could not load the model (${detail})`, cause: error });
  }

  // Beyond its training context a model's output degrades, so an unset context_size never exceeds it.
  const contextSize = options.contextSize ?? Math.min(options.contextWindow, model.trainContextSize);
  let context: LlamaContext;
  try {
    context = await model.createContext({
      contextSize,
      sequences: options.parallel,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
  } catch (error) {
    await model.dispose();
    throw runtimeError({
      provider,
      message: `could not create a ${contextSize}-token context x ${options.parallel} sequences (${errorText(error)}); lower context_size or parallel`,
      cause: error,
    });
  }

  const pool = new SequencePool<LlamaContextSequence>({
    size: options.parallel,
    create: () => context.getSequence(),
  });
  return {
    lib,
    llama,
    model,
    context,
    pool,
    async dispose() {
      // Disposing the model disposes its contexts and sequences too.
      await model.dispose();
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
