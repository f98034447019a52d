/**
 * Converts a llama2.c checkpoint + tokenizer into a GGUF file llama.cpp (and so node-llama-cpp) can run,
 * or writes a tiny random-weight GGUF for tests.
 *
 *   npx tsx scripts/convert-llama2c-to-gguf.ts \
 *     --model ../shared/models/stories260K/stories260K.bin \
 *     --tokenizer ../shared/models/stories260K/tok512.bin \
 *     --out models/stories260K.gguf --name stories260K --license MIT
 *
 *   npx tsx scripts/convert-llama2c-to-gguf.ts --random --out /tmp/tiny.gguf [--dim 32 --hidden-dim 64
 *     --layers 2 --heads 4 --kv-heads 2 --vocab 320 --seq-len 256 --seed 1]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { encodeGguf } from './gguf/gguf-writer.js';
import { readLlama2cCheckpoint } from './llama2c/llama2c-checkpoint.js';
import { parseLlama2cTokenizer, toSpmVocabulary } from './llama2c/llama2c-tokenizer.js';
import { llama2cToGguf } from './llama2c/llama2c-to-gguf.js';
import { DEFAULT_RANDOM_DIMS, randomLlama2cCheckpoint, syntheticSpmVocabulary, type RandomModelDims } from './llama2c/random-llama2c-checkpoint.js';

export interface ConvertLlama2cOptions {
  modelPath: string;
  tokenizerPath: string;
  outPath: string;
  name: string;
  license?: string;
}

/** Reads both llama2.c files, writes the GGUF, and returns its size in bytes. */
export async function convertLlama2cToGguf(options: ConvertLlama2cOptions): Promise<number> {
  const checkpoint = readLlama2cCheckpoint(new Uint8Array(await readFile(options.modelPath)));
  const rawTokens = parseLlama2cTokenizer(new Uint8Array(await readFile(options.tokenizerPath)), checkpoint.config.vocabSize);
  const gguf = encodeGguf(
    llama2cToGguf({
      checkpoint,
      vocabulary: toSpmVocabulary(rawTokens),
      name: options.name,
      ...(options.license === undefined ? {} : { license: options.license }),
    }),
  );
  await writeFile(options.outPath, gguf);
  return gguf.byteLength;
}

export interface RandomGgufOptions {
  outPath: string;
  dims?: Partial<RandomModelDims>;
  seed?: number;
  /** Written as `tokenizer.chat_template`, to test chat formatting. */
  chatTemplate?: string;
}

/** Writes a tiny random-weight llama GGUF (gibberish output, real tokenizer and runtime); returns its size. */
export async function writeRandomGguf(options: RandomGgufOptions): Promise<number> {
  const dims = { ...DEFAULT_RANDOM_DIMS, ...options.dims };
  const gguf = encodeGguf(
    llama2cToGguf({
      checkpoint: randomLlama2cCheckpoint(dims, options.seed ?? 1),
      vocabulary: syntheticSpmVocabulary(dims.vocabSize),
      name: 'random-llama',
      ...(options.chatTemplate === undefined ? {} : { chatTemplate: options.chatTemplate }),
    }),
  );
  await writeFile(options.outPath, gguf);
  return gguf.byteLength;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      tokenizer: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      license: { type: 'string' },
      random: { type: 'boolean', default: false },
      dim: { type: 'string' },
      'hidden-dim': { type: 'string' },
      layers: { type: 'string' },
      heads: { type: 'string' },
      'kv-heads': { type: 'string' },
      vocab: { type: 'string' },
      'seq-len': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (values.out === undefined) throw new Error('--out is required');
  const outPath = resolve(values.out);
  const int = (raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${raw}`);
    return n;
  };
  if (values.random) {
    const dims: Partial<RandomModelDims> = {};
    const set = (key: keyof RandomModelDims, raw: string | undefined): void => {
      const n = int(raw);
      if (n !== undefined) dims[key] = n;
    };
    set('dim', values.dim);
    set('hiddenDim', values['hidden-dim']);
    set('nLayers', values.layers);
    set('nHeads', values.heads);
    set('nKvHeads', values['kv-heads']);
    set('vocabSize', values.vocab);
    set('seqLen', values['seq-len']);
    const bytes = await writeRandomGguf({ outPath, dims, seed: int(values.seed) ?? 1 });
    console.log(`wrote ${outPath} (${bytes} bytes, random weights)`);
    return;
  }
  if (values.model === undefined || values.tokenizer === undefined) {
    throw new Error('--model and --tokenizer are required (or pass --random)');
  }
  const bytes = await convertLlama2cToGguf({
    modelPath: resolve(values.model),
    tokenizerPath: resolve(values.tokenizer),
    outPath,
    name: values.name ?? 'llama2c',
    ...(values.license === undefined ? {} : { license: values.license }),
  });
  console.log(`wrote ${outPath} (${bytes} bytes)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
