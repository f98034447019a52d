/**
 * A minimal GGUF v3 writer: metadata key/values plus F32 tensors, enough to hand a converted model to llama.cpp.
 *
 * Format reference: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 * Layout: header (magic, version, tensor count, kv count) -> key/values -> tensor infos -> padding ->
 * tensor data, every tensor starting at a multiple of `general.alignment` (32 unless set) from the data start.
 * Everything is little-endian.
 */

/** GGUF's value type ids (gguf.md, `gguf_metadata_value_type`). */
const VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

/** ggml's tensor type id for 32-bit floats; the only tensor type this writer emits. */
const GGML_TYPE_F32 = 0;

const DEFAULT_ALIGNMENT = 32;

export type GgufValue =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; itemType: 'string'; values: readonly string[] }
  | { type: 'array'; itemType: 'float32' | 'int32'; values: ArrayLike<number> };

export interface GgufTensor {
  name: string;
  /** ggml order: the fastest-varying dimension first (a PyTorch (rows, cols) matrix is [cols, rows]). */
  dims: readonly number[];
  data: Float32Array;
}

export interface GgufFile {
  /** Written in this order; keys must be unique. */
  metadata: ReadonlyArray<{ key: string; value: GgufValue }>;
  tensors: readonly GgufTensor[];
}

/** Grows a byte buffer as values are appended; avoids computing sizes twice. */
class ByteSink {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  u64(value: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
  }

  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  u8(value: number): void {
    this.reserve(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** GGUF strings: u64 byte length, then UTF-8 bytes, no terminator. */
  string(value: string): void {
    const encoded = new TextEncoder().encode(value);
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.bytes(new Uint8Array(alignment - rest));
  }

  toUint8Array(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'uint32':
      sink.u32(VALUE_TYPE.uint32);
      sink.u32(value.value);
      return;
    case 'int32':
      sink.u32(VALUE_TYPE.int32);
      sink.i32(value.value);
      return;
    case 'float32':
      sink.u32(VALUE_TYPE.float32);
      sink.f32(value.value);
      return;
    case 'bool':
      sink.u32(VALUE_TYPE.bool);
      sink.u8(value.value ? 1 : 0);
      return;
    case 'string':
      sink.u32(VALUE_TYPE.string);
      sink.string(value.value);
      return;
    case 'array':
      sink.u32(VALUE_TYPE.array);
      if (value.itemType === 'string') {
        sink.u32(VALUE_TYPE.string);
        sink.u64(value.values.length);
        for (const item of value.values) sink.string(item);
        return;
      }
      sink.u32(VALUE_TYPE[value.itemType]);
      sink.u64(value.values.length);
      for (let i = 0; i < value.values.length; i++) {
        const item = value.values[i] as number;
        if (value.itemType === 'float32') sink.f32(item);
        else sink.i32(item);
      }
      return;
  }
}

function alignmentOf(file: GgufFile): number {
  const entry = file.metadata.find((m) => m.key === 'general.alignment');
  if (entry === undefined) return DEFAULT_ALIGNMENT;
  if (entry.value.type !== 'uint32' || entry.value.value <= 0 || entry.value.value % 8 !== 0) {
    throw new Error('general.alignment must be a uint32 multiple of 8');
  }
  return entry.value.value;
}

function validate(file: GgufFile): void {
  const keys = new Set<string>();
  for (const { key } of file.metadata) {
    if (keys.has(key)) throw new Error(`duplicate GGUF metadata key: ${key}`);
    keys.add(key);
  }
  const names = new Set<string>();
  for (const tensor of file.tensors) {
    if (names.has(tensor.name)) throw new Error(`duplicate GGUF tensor name: ${tensor.name}`);
    names.add(tensor.name);
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length) {
      throw new Error(`tensor ${tensor.name}: dims [${tensor.dims.join(', ')}] hold ${elements} values but data has ${tensor.data.length}`);
    }
  }
}

/** Encodes a whole GGUF v3 file in memory (the models this writes are small). */
export function encodeGguf(file: GgufFile): Uint8Array {
  validate(file);
  const alignment = alignmentOf(file);
  const sink = new ByteSink();

  sink.bytes(new TextEncoder().encode('GGUF'));
  sink.u32(3);
  sink.u64(file.tensors.length);
  sink.u64(file.metadata.length);
  for (const { key, value } of file.metadata) {
    sink.string(key);
    writeValue(sink, value);
  }

  // Offsets are relative to the start of the data section, each one aligned.
  let offset = 0;
  for (const tensor of file.tensors) {
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += tensor.data.length * 4;
    offset = Math.ceil(offset / alignment) * alignment;
  }

  sink.padTo(alignment);
  for (const tensor of file.tensors) {
    const bytes = new Uint8Array(tensor.data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < tensor.data.length; i++) view.setFloat32(i * 4, tensor.data[i] as number, true);
    sink.bytes(bytes);
    sink.padTo(alignment);
  }
  return sink.toUint8Array();
}
