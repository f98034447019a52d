/**
 * Reads a llama2.c tokenizer file (`tokenizer.bin`, `tok512.bin`, …) and turns it back into the
 * SentencePiece vocabulary llama.cpp's SPM tokenizer expects.
 *
 * File format (llama2.c `tokenizer.py` export, read by `run.c build_tokenizer`): int32 max_token_length, then
 * per token float32 score, int32 byte length, UTF-8 bytes. The export rewrote each piece on the way out:
 * SentencePiece's word-boundary mark '▁' (U+2581) became a plain space, and <s> / </s> became "\n<s>\n" and
 * "\n</s>\n". llama.cpp's SPM tokenizer works on the original pieces, so both rewrites are undone here.
 */

/** llama.cpp's token types (llama.h `llama_token_type`), stored in `tokenizer.ggml.token_type`. */
export const TOKEN_TYPE = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

export interface SpmVocabulary {
  tokens: string[];
  scores: Float32Array;
  tokenTypes: Int32Array;
  unkId: number;
  bosId: number;
  eosId: number;
}

export interface RawLlama2cToken {
  score: number;
  bytes: Uint8Array;
}

const SPACE_MARK = '\u2581';
const BYTE_TOKEN = /^<0x[0-9A-F]{2}>$/;

export function parseLlama2cTokenizer(bytes: Uint8Array, vocabSize: number): RawLlama2cToken[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new Error('not a llama2.c tokenizer: the file is empty');
  const maxTokenLength = view.getInt32(0, true);
  const tokens: RawLlama2cToken[] = [];
  let offset = 4;
  for (let id = 0; id < vocabSize; id++) {
    if (offset + 8 > bytes.byteLength) {
      throw new Error(`llama2.c tokenizer ends after ${id} tokens; the model's vocab_size is ${vocabSize}`);
    }
    const score = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    offset += 8;
    if (length < 0 || length > maxTokenLength || offset + length > bytes.byteLength) {
      throw new Error(`llama2.c tokenizer: token ${id} has an invalid length ${length}`);
    }
    tokens.push({ score, bytes: bytes.slice(offset, offset + length) });
    offset += length;
  }
  if (offset !== bytes.byteLength) {
    throw new Error(`llama2.c tokenizer has ${bytes.byteLength - offset} bytes beyond the model's ${vocabSize} tokens`);
  }
  return tokens;
}

/** Undoes llama2.c's export rewrites and types each token the way llama.cpp's SPM vocabulary needs. */
export function toSpmVocabulary(raw: readonly RawLlama2cToken[]): SpmVocabulary {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const texts = raw.map((token, id) => {
    try {
      return decoder.decode(token.bytes);
    } catch {
      throw new Error(`llama2.c tokenizer: token ${id} is not valid UTF-8`);
    }
  });
  // SentencePiece's llama vocabularies put <unk>, <s>, </s> at 0, 1, 2; find them by text when they moved.
  const find = (text: string, fallback: number): number => {
    const at = texts.indexOf(text);
    return at >= 0 ? at : fallback;
  };
  const unkId = find('<unk>', 0);
  const bosId = find('\n<s>\n', 1);
  const eosId = find('\n</s>\n', 2);

  const tokens: string[] = [];
  const tokenTypes = new Int32Array(raw.length);
  for (let id = 0; id < texts.length; id++) {
    const text = texts[id] as string;
    if (id === unkId) {
      tokens.push('<unk>');
      tokenTypes[id] = TOKEN_TYPE.unknown;
    } else if (id === bosId) {
      tokens.push('<s>');
      tokenTypes[id] = TOKEN_TYPE.control;
    } else if (id === eosId) {
      tokens.push('</s>');
      tokenTypes[id] = TOKEN_TYPE.control;
    } else if (BYTE_TOKEN.test(text)) {
      tokens.push(text);
      tokenTypes[id] = TOKEN_TYPE.byte;
    } else if (text === '') {
      // An empty piece cannot be matched by the tokenizer; llama.cpp types it as control so it is skipped.
      tokens.push(`<empty_${id}>`);
      tokenTypes[id] = TOKEN_TYPE.control;
    } else {
      tokens.push(text.replaceAll(' ', SPACE_MARK));
      tokenTypes[id] = TOKEN_TYPE.normal;
    }
  }
  const seen = new Map<string, number>();
  tokens.forEach((token, id) => {
    const other = seen.get(token);
    if (other !== undefined) throw new Error(`tokens ${other} and ${id} are both ${JSON.stringify(token)}`);
    seen.set(token, id);
  });
  return { tokens, scores: Float32Array.from(raw, (t) => t.score), tokenTypes, unkId, bosId, eosId };
}
