/**
 * Reads a llama2.c checkpoint in its original ("legacy", version 0) export format: a header of seven int32
 * and then float32 weights, as written by llama2.c's `export.py --version 0` and read by its `run.c`.
 * https://github.com/karpathy/llama2.c/blob/master/run.c (`read_checkpoint`, `memory_map_weights`)
 */

export interface Llama2cConfig {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  seqLen: number;
  /** llama2.c stores a negative vocab_size when the output classifier is not the token embedding. */
  sharedClassifier: boolean;
}

/**
 * Each matrix is row-major (out, in), as llama2.c's matmul reads it. Per-layer tensors are the layers
 * concatenated, as in the file.
 */
export interface Llama2cWeights {
  tokenEmbedding: Float32Array;
  rmsAtt: Float32Array;
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
  rmsFfn: Float32Array;
  w1: Float32Array;
  w2: Float32Array;
  w3: Float32Array;
  rmsFinal: Float32Array;
  /** Present only when the classifier is not shared with the token embedding. */
  wcls: Float32Array | undefined;
}

export interface Llama2cCheckpoint {
  config: Llama2cConfig;
  weights: Llama2cWeights;
}

const HEADER_BYTES = 7 * 4;
/** The magic of llama2.c's newer versioned exports ("ak42"), which this reader does not handle. */
const VERSIONED_EXPORT_MAGIC = 0x616b3432;

export function parseLlama2cHeader(bytes: Uint8Array): Llama2cConfig {
  if (bytes.byteLength < HEADER_BYTES) {
    throw new Error(`not a llama2.c checkpoint: ${bytes.byteLength} bytes is shorter than its 28-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const field = (i: number): number => view.getInt32(i * 4, true);
  if (view.getUint32(0, true) === VERSIONED_EXPORT_MAGIC) {
    throw new Error('this is a versioned llama2.c export (magic "ak42"); re-export it with `export.py --version 0`');
  }
  const rawVocab = field(5);
  const config: Llama2cConfig = {
    dim: field(0),
    hiddenDim: field(1),
    nLayers: field(2),
    nHeads: field(3),
    nKvHeads: field(4),
    vocabSize: Math.abs(rawVocab),
    seqLen: field(6),
    sharedClassifier: rawVocab > 0,
  };
  const positive = ['dim', 'hiddenDim', 'nLayers', 'nHeads', 'nKvHeads', 'vocabSize', 'seqLen'] as const;
  for (const key of positive) {
    if (!(config[key] > 0)) throw new Error(`not a llama2.c checkpoint: header field ${key} is ${config[key]}`);
  }
  if (config.dim % config.nHeads !== 0) {
    throw new Error(`not a llama2.c checkpoint: dim ${config.dim} is not a multiple of n_heads ${config.nHeads}`);
  }
  if (config.nHeads % config.nKvHeads !== 0) {
    throw new Error(`n_heads ${config.nHeads} is not a multiple of n_kv_heads ${config.nKvHeads}`);
  }
  return config;
}

export function headSize(config: Llama2cConfig): number {
  return config.dim / config.nHeads;
}

/** Number of float32 values each tensor occupies in the file, in file order. */
function tensorSizes(config: Llama2cConfig): Array<[keyof Llama2cWeights | 'freqCisReal' | 'freqCisImag', number]> {
  const { dim, hiddenDim, nLayers, vocabSize, seqLen } = config;
  const kvDim = headSize(config) * config.nKvHeads;
  const sizes: Array<[keyof Llama2cWeights | 'freqCisReal' | 'freqCisImag', number]> = [
    ['tokenEmbedding', vocabSize * dim],
    ['rmsAtt', nLayers * dim],
    ['wq', nLayers * dim * dim],
    ['wk', nLayers * dim * kvDim],
    ['wv', nLayers * dim * kvDim],
    ['wo', nLayers * dim * dim],
    ['rmsFfn', nLayers * dim],
    ['w1', nLayers * hiddenDim * dim],
    ['w2', nLayers * dim * hiddenDim],
    ['w3', nLayers * hiddenDim * dim],
    ['rmsFinal', dim],
    // Precomputed RoPE tables from old exports; llama.cpp computes its own, so they are skipped.
    ['freqCisReal', (seqLen * headSize(config)) / 2],
    ['freqCisImag', (seqLen * headSize(config)) / 2],
  ];
  if (!config.sharedClassifier) sizes.push(['wcls', vocabSize * dim]);
  return sizes;
}

export function readLlama2cCheckpoint(bytes: Uint8Array): Llama2cCheckpoint {
  const config = parseLlama2cHeader(bytes);
  const sizes = tensorSizes(config);
  const expectedBytes = HEADER_BYTES + sizes.reduce((sum, [, n]) => sum + n * 4, 0);
  if (bytes.byteLength !== expectedBytes) {
    throw new Error(
      `llama2.c checkpoint size mismatch: the header (dim ${config.dim}, hidden ${config.hiddenDim}, ` +
        `layers ${config.nLayers}, heads ${config.nHeads}/${config.nKvHeads}, vocab ${config.vocabSize}, ` +
        `seq ${config.seqLen}) implies ${expectedBytes} bytes but the file has ${bytes.byteLength}`,
    );
  }
  // Copy into an aligned buffer once; Float32Array views need 4-byte alignment.
  const floats = new Float32Array((bytes.byteLength - HEADER_BYTES) / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset + HEADER_BYTES, bytes.byteLength - HEADER_BYTES);
  for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(i * 4, true);

  const parts = new Map<string, Float32Array>();
  let offset = 0;
  for (const [name, size] of sizes) {
    parts.set(name, floats.subarray(offset, offset + size));
    offset += size;
  }
  const get = (name: keyof Llama2cWeights): Float32Array => {
    const part = parts.get(name);
    if (part === undefined) throw new Error(`internal: tensor ${name} missing`);
    return part;
  };
  return {
    config,
    weights: {
      tokenEmbedding: get('tokenEmbedding'),
      rmsAtt: get('rmsAtt'),
      wq: get('wq'),
      wk: get('wk'),
      wv: get('wv'),
      wo: get('wo'),
      rmsFfn: get('rmsFfn'),
      w1: get('w1'),
      w2: get('w2'),
      w3: get('w3'),
      rmsFinal: get('rmsFinal'),
      wcls: config.sharedClassifier ? undefined : get('wcls'),
    },
  };
}

/** The inverse of readLlama2cCheckpoint (RoPE tables written as zeros), for tests and synthetic models. */
export function encodeLlama2cCheckpoint(checkpoint: Llama2cCheckpoint): Uint8Array {
  const { config, weights } = checkpoint;
  const sizes = tensorSizes(config);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  const bytes = new Uint8Array(HEADER_BYTES + total * 4);
  const view = new DataView(bytes.buffer);
  const header = [
    config.dim,
    config.hiddenDim,
    config.nLayers,
    config.nHeads,
    config.nKvHeads,
    config.sharedClassifier ? config.vocabSize : -config.vocabSize,
    config.seqLen,
  ];
  for (const [i, value] of header.entries()) view.setInt32(i * 4, value, true);
  let offset = HEADER_BYTES;
  for (const [name, size] of sizes) {
    const data = name === 'freqCisReal' || name === 'freqCisImag' ? undefined : weights[name];
    if (name === 'wcls' && data === undefined) throw new Error('an unshared classifier needs wcls');
    for (let i = 0; i < size; i++) view.setFloat32(offset + i * 4, data?.[i] ?? 0, true);
    offset += size * 4;
  }
  return bytes;
}
