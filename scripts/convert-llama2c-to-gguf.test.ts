/**
 * The llama2.c -> GGUF converter: header and tokenizer parsing, and GGUF files that node-llama-cpp's own
 * GGUF reader parses back and llama.cpp loads. Uses ../shared/models/stories260K when it is there.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGgufFileInfo } from 'node-llama-cpp';
import { convertLlama2cToGguf, writeRandomGguf } from './convert-llama2c-to-gguf.js';
import { encodeGguf } from './gguf/gguf-writer.js';
import { encodeLlama2cCheckpoint, parseLlama2cHeader, readLlama2cCheckpoint } from './llama2c/llama2c-checkpoint.js';
import { parseLlama2cTokenizer, toSpmVocabulary, TOKEN_TYPE } from './llama2c/llama2c-tokenizer.js';
import { llama2cToGguf } from './llama2c/llama2c-to-gguf.js';
import { DEFAULT_RANDOM_DIMS, randomLlama2cCheckpoint, syntheticSpmVocabulary } from './llama2c/random-llama2c-checkpoint.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const SHARED = join(REPO_ROOT, '../shared/models/stories260K');
const hasShared = existsSync(join(SHARED, 'stories260K.bin'));
const needsShared = hasShared ? false : `needs the llama2.c checkpoint at ${join(SHARED, 'stories260K.bin')} (../shared, not in the repository)`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-convert-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('llama2.c checkpoint', () => {
  test('the header gives the dims; a negative vocab_size means an unshared classifier', () => {
    const checkpoint = randomLlama2cCheckpoint(DEFAULT_RANDOM_DIMS);
    const bytes = encodeLlama2cCheckpoint(checkpoint);
    assert.deepEqual(parseLlama2cHeader(bytes), { ...DEFAULT_RANDOM_DIMS, sharedClassifier: true });

    const unshared = {
      config: { ...checkpoint.config, sharedClassifier: false },
      weights: { ...checkpoint.weights, wcls: new Float32Array(DEFAULT_RANDOM_DIMS.vocabSize * DEFAULT_RANDOM_DIMS.dim).fill(0.5) },
    };
    const read = readLlama2cCheckpoint(encodeLlama2cCheckpoint(unshared));
    assert.equal(read.config.sharedClassifier, false);
    assert.equal(read.config.vocabSize, DEFAULT_RANDOM_DIMS.vocabSize);
    assert.equal(read.weights.wcls?.[7], 0.5);
    assert.deepEqual(read.weights.wk, checkpoint.weights.wk);
  });

  test('a truncated file or a bad header is refused with the reason', () => {
    const bytes = encodeLlama2cCheckpoint(randomLlama2cCheckpoint(DEFAULT_RANDOM_DIMS));
    assert.throws(() => readLlama2cCheckpoint(bytes.subarray(0, bytes.length - 4)), /size mismatch.*implies \d+ bytes/);
    assert.throws(() => parseLlama2cHeader(new Uint8Array(10)), /shorter than its 28-byte header/);
    const badHeads = bytes.slice(0, 28);
    new DataView(badHeads.buffer).setInt32(12, 5, true);
    assert.throws(() => parseLlama2cHeader(badHeads), /not a multiple of n_heads/);
  });

  test('stories260K: 64 dim, 172 hidden, 5 layers, 8/4 heads, 512 vocab (shared), 512 seq', { skip: needsShared }, async () => {
    const header = parseLlama2cHeader(new Uint8Array(await readFile(join(SHARED, 'stories260K.bin'))));
    assert.deepEqual(header, {
      dim: 64,
      hiddenDim: 172,
      nLayers: 5,
      nHeads: 8,
      nKvHeads: 4,
      vocabSize: 512,
      seqLen: 512,
      sharedClassifier: true,
    });
  });
});

describe('llama2.c tokenizer', () => {
  test('SentencePiece word marks are restored and special/byte tokens typed', { skip: needsShared }, async () => {
    const raw = parseLlama2cTokenizer(new Uint8Array(await readFile(join(SHARED, 'tok512.bin'))), 512);
    const vocab = toSpmVocabulary(raw);
    assert.deepEqual(vocab.tokens.slice(0, 4), ['<unk>', '<s>', '</s>', '<0x00>']);
    assert.deepEqual([...vocab.tokenTypes.slice(0, 4)], [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control, TOKEN_TYPE.byte]);
    assert.equal(vocab.tokens[259], '\u2581t');
    assert.equal(vocab.tokens[265], '\u2581the');
    assert.equal(vocab.tokenTypes[265], TOKEN_TYPE.normal);
    assert.equal(vocab.scores[265], -6);
    assert.ok(!vocab.tokens.some((t) => t.includes(' ')), 'no plain spaces are left');
    assert.deepEqual([vocab.unkId, vocab.bosId, vocab.eosId], [0, 1, 2]);
  });

  test('a tokenizer shorter than the model vocabulary is refused', () => {
    const bytes = new Uint8Array(4 + 8 + 1);
    const view = new DataView(bytes.buffer);
    view.setInt32(0, 1, true);
    view.setFloat32(4, 0, true);
    view.setInt32(8, 1, true);
    bytes[12] = 0x41;
    assert.equal(parseLlama2cTokenizer(bytes, 1)[0]?.bytes[0], 0x41);
    assert.throws(() => parseLlama2cTokenizer(bytes, 2), /ends after 1 tokens/);
  });
});

describe('GGUF output', () => {
  test('node-llama-cpp reads back the metadata and llama.cpp tensor layout', async () => {
    const path = join(dir, 'random.gguf');
    await writeRandomGguf({ outPath: path, dims: { nLayers: 3 }, seed: 2 });
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    assert.equal(info.version, 3);
    const meta = info.metadata;
    assert.equal(meta.general.architecture, 'llama');
    assert.equal(meta.tokenizer.ggml.model, 'llama');
    const llama = info.architectureMetadata;
    assert.equal(llama.context_length, DEFAULT_RANDOM_DIMS.seqLen);
    assert.equal(llama.embedding_length, DEFAULT_RANDOM_DIMS.dim);
    assert.equal(llama.block_count, 3);
    assert.equal(llama.feed_forward_length, DEFAULT_RANDOM_DIMS.hiddenDim);
    assert.equal(llama.attention?.head_count, DEFAULT_RANDOM_DIMS.nHeads);
    assert.equal(llama.attention?.head_count_kv, DEFAULT_RANDOM_DIMS.nKvHeads);
    assert.equal(llama.rope?.dimension_count, DEFAULT_RANDOM_DIMS.dim / DEFAULT_RANDOM_DIMS.nHeads);
    const tensors = new Map(info.tensorInfo?.map((t) => [t.name, t.dimensions.map(Number)]));
    assert.equal(tensors.size, 2 + 9 * 3, 'token_embd, output_norm and 9 per block; no output.weight when shared');
    const { dim, hiddenDim, vocabSize, nHeads, nKvHeads } = DEFAULT_RANDOM_DIMS;
    const kvDim = (dim / nHeads) * nKvHeads;
    assert.deepEqual(tensors.get('token_embd.weight'), [dim, vocabSize]);
    assert.deepEqual(tensors.get('blk.2.attn_q.weight'), [dim, dim]);
    assert.deepEqual(tensors.get('blk.2.attn_k.weight'), [dim, kvDim]);
    assert.deepEqual(tensors.get('blk.0.ffn_down.weight'), [hiddenDim, dim]);
    assert.deepEqual(tensors.get('blk.0.ffn_gate.weight'), [dim, hiddenDim]);
    assert.equal(tensors.has('output.weight'), false);
  });

  test('tensor data lands at aligned offsets with the values written', async () => {
    const checkpoint = randomLlama2cCheckpoint({ ...DEFAULT_RANDOM_DIMS, nLayers: 1 }, 9);
    const unshared = {
      config: { ...checkpoint.config, sharedClassifier: false },
      weights: { ...checkpoint.weights, wcls: Float32Array.from({ length: 320 * 32 }, (_, i) => i / 1000) },
    };
    const bytes = encodeGguf(llama2cToGguf({ checkpoint: unshared, vocabulary: syntheticSpmVocabulary(320), name: 't' }));
    const path = join(dir, 'unshared.gguf');
    await writeFile(path, bytes);
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    const output = info.tensorInfo?.find((t) => t.name === 'output.weight');
    assert.ok(output !== undefined, 'an unshared classifier is written as output.weight');
    const at = Number(output.fileOffset);
    assert.equal(at % 32, 0);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    assert.equal(view.getFloat32(at + 4 * 123, true), Math.fround(0.123));
  });

  test('the committed models/stories260K.gguf is exactly what the converter writes', { skip: needsShared }, async () => {
    const out = join(dir, 'stories260K.gguf');
    await convertLlama2cToGguf({
      modelPath: join(SHARED, 'stories260K.bin'),
      tokenizerPath: join(SHARED, 'tok512.bin'),
      outPath: out,
      name: 'stories260K',
      license: 'MIT',
    });
    const [fresh, committed] = await Promise.all([readFile(out), readFile(join(REPO_ROOT, 'models/stories260K.gguf'))]);
    assert.ok(fresh.equals(committed), 'regenerate models/stories260K.gguf with the command in models/README.md');
  });
});
