/**
 * Maps a llama2.c checkpoint and its vocabulary onto llama.cpp's `llama` architecture in GGUF.
 *
 * Tensor names and metadata keys follow llama.cpp (gguf-py/gguf/constants.py, src/llama-arch.cpp).
 *
 * Why q/k are copied without a permutation: llama2.c trains with "interleaved" RoPE (rotating the adjacent
 * pairs (0,1), (2,3), … of each head, see run.c's RoPE loop and model.py's `apply_rotary_emb`), which is Meta's
 * original layout and exactly llama.cpp's normal RoPE mode for the llama architecture. HF checkpoints need
 * the un-permute in convert_hf_to_gguf.py only because HF re-ordered q/k for its rotate-half RoPE; llama2.c
 * never did, and llama.cpp's own convert-llama2c-to-ggml example copies wq/wk as they are, too.
 */
import type { GgufFile, GgufValue } from '../gguf/gguf-writer.js';
import { headSize, type Llama2cCheckpoint } from './llama2c-checkpoint.js';
import type { SpmVocabulary } from './llama2c-tokenizer.js';

export interface Llama2cToGgufOptions {
  checkpoint: Llama2cCheckpoint;
  vocabulary: SpmVocabulary;
  /** `general.name`. */
  name: string;
  /** `general.license`, e.g. "MIT". */
  license?: string;
  /** `tokenizer.chat_template` (Jinja); llama2.c models have none. */
  chatTemplate?: string;
}

/** llama2.c's RMSNorm epsilon (model.py `ModelArgs.norm_eps`) and RoPE theta (run.c). */
const RMS_EPSILON = 1e-5;
const ROPE_FREQ_BASE = 10000;

export function llama2cToGguf(options: Llama2cToGgufOptions): GgufFile {
  const { checkpoint, vocabulary } = options;
  const { config, weights } = checkpoint;
  if (vocabulary.tokens.length !== config.vocabSize) {
    throw new Error(`the tokenizer has ${vocabulary.tokens.length} tokens but the model's vocab_size is ${config.vocabSize}`);
  }
  const head = headSize(config);
  const kvDim = head * config.nKvHeads;
  const { dim, hiddenDim } = config;

  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const metadata: GgufFile['metadata'] = [
    { key: 'general.architecture', value: { type: 'string', value: 'llama' } },
    { key: 'general.name', value: { type: 'string', value: options.name } },
    ...(options.license === undefined ? [] : [{ key: 'general.license', value: { type: 'string', value: options.license } as GgufValue }]),
    // 0 = LLAMA_FTYPE_ALL_F32.
    { key: 'general.file_type', value: u32(0) },
    { key: 'llama.vocab_size', value: u32(config.vocabSize) },
    { key: 'llama.context_length', value: u32(config.seqLen) },
    { key: 'llama.embedding_length', value: u32(dim) },
    { key: 'llama.block_count', value: u32(config.nLayers) },
    { key: 'llama.feed_forward_length', value: u32(hiddenDim) },
    { key: 'llama.rope.dimension_count', value: u32(head) },
    { key: 'llama.rope.freq_base', value: { type: 'float32', value: ROPE_FREQ_BASE } },
    { key: 'llama.attention.head_count', value: u32(config.nHeads) },
    { key: 'llama.attention.head_count_kv', value: u32(config.nKvHeads) },
    { key: 'llama.attention.layer_norm_rms_epsilon', value: { type: 'float32', value: RMS_EPSILON } },
    { key: 'tokenizer.ggml.model', value: { type: 'string', value: 'llama' } },
    { key: 'tokenizer.ggml.tokens', value: { type: 'array', itemType: 'string', values: vocabulary.tokens } },
    { key: 'tokenizer.ggml.scores', value: { type: 'array', itemType: 'float32', values: vocabulary.scores } },
    { key: 'tokenizer.ggml.token_type', value: { type: 'array', itemType: 'int32', values: vocabulary.tokenTypes } },
    { key: 'tokenizer.ggml.unknown_token_id', value: u32(vocabulary.unkId) },
    { key: 'tokenizer.ggml.bos_token_id', value: u32(vocabulary.bosId) },
    { key: 'tokenizer.ggml.eos_token_id', value: u32(vocabulary.eosId) },
    // llama2.c's training data separates stories with BOS, so its models end a text by sampling BOS, never EOS,
    // and run.c stops there ("the BOS (=1) token delimits sequences"). Declaring BOS the end-of-turn token puts
    // it in llama.cpp's end-of-generation set, so llama.cpp stops at the same place instead of starting a new story.
    { key: 'tokenizer.ggml.eot_token_id', value: u32(vocabulary.bosId) },
    // llama2.c's run.c prepends BOS to every prompt and never appends EOS.
    { key: 'tokenizer.ggml.add_bos_token', value: { type: 'bool', value: true } },
    { key: 'tokenizer.ggml.add_eos_token', value: { type: 'bool', value: false } },
    ...(options.chatTemplate === undefined ? [] : [{ key: 'tokenizer.chat_template', value: { type: 'string', value: options.chatTemplate } as GgufValue }]),
  ];

  // llama2.c matrices are row-major (out, in); ggml lists the fastest dimension first, so dims are [in, out].
  const layer = (all: Float32Array, l: number, size: number): Float32Array => all.subarray(l * size, (l + 1) * size);
  const tensors: GgufFile['tensors'][number][] = [{ name: 'token_embd.weight', dims: [dim, config.vocabSize], data: weights.tokenEmbedding }];
  for (let l = 0; l < config.nLayers; l++) {
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [dim], data: layer(weights.rmsAtt, l, dim) },
      { name: `blk.${l}.attn_q.weight`, dims: [dim, dim], data: layer(weights.wq, l, dim * dim) },
      { name: `blk.${l}.attn_k.weight`, dims: [dim, kvDim], data: layer(weights.wk, l, dim * kvDim) },
      { name: `blk.${l}.attn_v.weight`, dims: [dim, kvDim], data: layer(weights.wv, l, dim * kvDim) },
      { name: `blk.${l}.attn_output.weight`, dims: [dim, dim], data: layer(weights.wo, l, dim * dim) },
      { name: `blk.${l}.ffn_norm.weight`, dims: [dim], data: layer(weights.rmsFfn, l, dim) },
      { name: `blk.${l}.ffn_gate.weight`, dims: [dim, hiddenDim], data: layer(weights.w1, l, dim * hiddenDim) },
      { name: `blk.${l}.ffn_down.weight`, dims: [hiddenDim, dim], data: layer(weights.w2, l, hiddenDim * dim) },
      { name: `blk.${l}.ffn_up.weight`, dims: [dim, hiddenDim], data: layer(weights.w3, l, dim * hiddenDim) },
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [dim], data: weights.rmsFinal });
  // Without output.weight llama.cpp ties the classifier to token_embd, as llama2.c does for a positive vocab_size.
  if (weights.wcls !== undefined) {
    tensors.push({ name: 'output.weight', dims: [dim, config.vocabSize], data: weights.wcls });
  }
  return { metadata, tensors };
}
