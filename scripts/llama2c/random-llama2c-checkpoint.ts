/**
 * A tiny random-weight llama2.c checkpoint and a synthetic SentencePiece vocabulary, for tests that need a
 * real GGUF the runtime can load without shipping a trained model. Deterministic for a given seed.
 */
import type { Llama2cCheckpoint, Llama2cConfig } from './llama2c-checkpoint.js';
import { TOKEN_TYPE, type SpmVocabulary } from './llama2c-tokenizer.js';

export interface RandomModelDims {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  /** At least 259: <unk>, <s>, </s> and the 256 byte tokens SPM falls back to. */
  vocabSize: number;
  seqLen: number;
}

export const DEFAULT_RANDOM_DIMS: RandomModelDims = {
  dim: 32,
  hiddenDim: 64,
  nLayers: 2,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize: 320,
  seqLen: 256,
};

/** mulberry32: a small seeded PRNG; good enough for weights nobody reads. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomLlama2cCheckpoint(dims: RandomModelDims, seed = 1): Llama2cCheckpoint {
  const next = random(seed);
  const uniform = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const config: Llama2cConfig = { ...dims, sharedClassifier: true };
  if (dims.dim % dims.nHeads !== 0 || dims.nHeads % dims.nKvHeads !== 0) {
    throw new Error('dim must be a multiple of heads, and heads a multiple of kv heads');
  }
  const kvDim = (dims.dim / dims.nHeads) * dims.nKvHeads;
  const { dim, hiddenDim, nLayers } = dims;
  const scale = 1 / Math.sqrt(dim);
  return {
    config,
    weights: {
      tokenEmbedding: uniform(dims.vocabSize * dim, 1),
      rmsAtt: ones(nLayers * dim),
      wq: uniform(nLayers * dim * dim, scale),
      wk: uniform(nLayers * dim * kvDim, scale),
      wv: uniform(nLayers * dim * kvDim, scale),
      wo: uniform(nLayers * dim * dim, scale),
      rmsFfn: ones(nLayers * dim),
      w1: uniform(nLayers * hiddenDim * dim, scale),
      w2: uniform(nLayers * dim * hiddenDim, 1 / Math.sqrt(hiddenDim)),
      w3: uniform(nLayers * hiddenDim * dim, scale),
      rmsFinal: ones(dim),
      wcls: undefined,
    },
  };
}

/** <unk>, <s>, </s>, the 256 byte tokens, then '▁', letters and '▁'+letter pieces until vocabSize. */
export function syntheticSpmVocabulary(vocabSize: number): SpmVocabulary {
  if (vocabSize < 259) throw new Error(`vocabSize must be at least 259, got ${vocabSize}`);
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.byte);
  }
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  const pieces = ['\u2581', ...letters, ...[...letters].map((c) => `\u2581${c}`)];
  for (let i = 0; tokens.length < vocabSize; i++) {
    tokens.push(pieces[i] ?? `\u2581w${i}`);
    types.push(TOKEN_TYPE.normal);
  }
  return {
    tokens,
    scores: Float32Array.from(tokens, (_, id) => (id < 259 ? 0 : -(id - 259))),
    tokenTypes: Int32Array.from(types),
    unkId: 0,
    bosId: 1,
    eosId: 2,
  };
}
