/**
 * A trained task student as a versioned artifact: its labels, parameters, calibrated thresholds and the
 * metrics it earned on examples it never saw. Encoded to bytes for the store with weights and centroids
 * quantised to int8 per row (a 10,000-example Banking77 student is ~5 MB instead of ~20); the student is
 * evaluated after the same quantisation, so its metrics describe exactly the model that serves.
 */
import type { SoftmaxParams } from './softmax-model.js';
import type { TrustIndexData } from './trust-index.js';

export interface StudentThresholds {
  /** The student answers when its confidence (the top probability, or the combined one: `combiner`) is at least this… */
  confidence: number;
  /** …and the input's novelty (distance to the predicted label's centroid) is at most this. */
  novelty: number;
  /**
   * Weights of the confidence combiner (confidence-combiner.ts): where present, `confidence` applies to the
   * combination of the top probability and the trust score rather than to the top probability.
   */
  combiner?: number[];
}

export interface StudentMetrics {
  /** Examples trained on (the calibration folds' models saw fewer). */
  trainExamples: number;
  /** Held-out examples never trained on: the evaluation set (about 15% of captured inputs, chosen by a hash of the input). */
  evalExamples: number;
  /** Share of the evaluation set whose top label matched the label, answered or not. */
  accuracy: number;
  /** Share of the evaluation set the student would answer (confidence and novelty both pass). */
  coverage: number;
  /** Share of those answers that matched the label (the agreement the threshold aims at). */
  agreement: number;
  /** Held-out examples it would answer (a count, unweighted). */
  answered: number;
  /** Out-of-fold examples the thresholds were chosen on. */
  calibrationExamples: number;
  /** Agreement of the out-of-fold answers at the chosen thresholds. */
  calibrationAgreement: number;
  trainingMs: number;
}

export interface StudentArtifact {
  route: string;
  version: number;
  createdAt: number;
  labels: string[];
  targetAgreement: number;
  thresholds: StudentThresholds;
  metrics: StudentMetrics;
  params: SoftmaxParams;
  /** The trust index over the training inputs (format 2; absent in students trained before it). */
  trust?: TrustIndexData;
}

/** Format 1: the softmax only. Format 2: followed by the trust index. Both decode. */
const MAGIC = 'tandem-student/1';
const MAGIC_TRUST = 'tandem-student/2';

/** Sizes of the trust index's arrays (format 2). */
interface TrustSizes {
  terms: number;
  postings: number;
  examples: number;
}

/** The artifact's JSON header: everything but the weights, which follow as bytes. */
type Header = Omit<StudentArtifact, 'params' | 'trust'> & { magic: string; rows: number; trust?: TrustSizes };

/**
 * Rounds weights and centroids through int8-per-row in place, so a model evaluated afterwards is the one
 * that decodes from its bytes.
 */
export function quantizeInPlace(params: SoftmaxParams): void {
  const C = params.labelCount;
  for (const matrix of [params.weights, params.centroids]) {
    for (let r = 0; r * C < matrix.length; r++) {
      const scale = rowScale(matrix, r, C);
      for (let c = 0; c < C; c++) matrix[r * C + c] = Math.round((matrix[r * C + c] as number) / scale) * scale;
    }
  }
}

function rowScale(matrix: Float32Array, r: number, C: number): number {
  let max = 0;
  for (let c = 0; c < C; c++) max = Math.max(max, Math.abs(matrix[r * C + c] as number));
  // Math.fround: the scale is stored as float32, and decoding must multiply by the same value.
  return Math.fround(max > 0 ? max / 127 : 1);
}

export function encodeArtifact(artifact: StudentArtifact): Uint8Array {
  const { params } = artifact;
  const C = params.labelCount;
  const rows = params.buckets.length;
  const { trust } = artifact;
  const header: Header = {
    magic: trust ? MAGIC_TRUST : MAGIC,
    route: artifact.route,
    version: artifact.version,
    createdAt: artifact.createdAt,
    labels: artifact.labels,
    targetAgreement: artifact.targetAgreement,
    thresholds: artifact.thresholds,
    metrics: artifact.metrics,
    rows,
    ...(trust ? { trust: { terms: trust.terms.length, postings: trust.examples.length, examples: trust.labels.length } } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Layout: u32 header length, header JSON, padding to 4, buckets i32[rows], bias f32[C], then per matrix
  // scales f32[rows] and values i8[rows × C]. Format 2 goes on, from a 4-byte boundary: terms i32[T],
  // idf f32[T], offsets i32[T + 1], examples i32[P], values f32[P], labels i32[N].
  const headerEnd = align4(4 + json.length);
  const modelEnd = headerEnd + rows * 4 + C * 4 + 2 * (rows * 4 + rows * C);
  const size = trust ? align4(modelEnd) + 4 * (3 * trust.terms.length + 1 + 2 * trust.examples.length + trust.labels.length) : modelEnd;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, json.length, true);
  bytes.set(json, 4);
  let offset = headerEnd;
  for (let r = 0; r < rows; r++, offset += 4) view.setInt32(offset, params.buckets[r] as number, true);
  for (let c = 0; c < C; c++, offset += 4) view.setFloat32(offset, params.bias[c] as number, true);
  for (const matrix of [params.weights, params.centroids]) {
    const scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      scales[r] = rowScale(matrix, r, C);
      view.setFloat32(offset, scales[r] as number, true);
      offset += 4;
    }
    for (let r = 0; r < rows; r++) {
      const scale = scales[r] as number;
      for (let c = 0; c < C; c++) view.setInt8(offset++, Math.max(-127, Math.min(127, Math.round((matrix[r * C + c] as number) / scale))));
    }
  }
  if (trust) {
    offset = align4(offset);
    for (const array of [trust.terms, trust.idf, trust.offsets, trust.examples, trust.values, trust.labels]) {
      bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
      offset += array.byteLength;
    }
  }
  return bytes;
}

/** Little-endian hosts only (as every platform Node runs on here): the trust arrays are copied as they are. */
function readTrust(bytes: Uint8Array, offset: number, sizes: TrustSizes): TrustIndexData {
  const take = <T>(make: (buffer: ArrayBuffer) => T, count: number): T => {
    const copy = bytes.slice(offset, offset + count * 4);
    offset += count * 4;
    return make(copy.buffer);
  };
  return {
    terms: take((b) => new Int32Array(b), sizes.terms),
    idf: take((b) => new Float32Array(b), sizes.terms),
    offsets: take((b) => new Int32Array(b), sizes.terms + 1),
    examples: take((b) => new Int32Array(b), sizes.postings),
    values: take((b) => new Float32Array(b), sizes.postings),
    labels: take((b) => new Int32Array(b), sizes.examples),
  };
}

export function decodeArtifact(bytes: Uint8Array): StudentArtifact {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Header;
  if (header.magic !== MAGIC && header.magic !== MAGIC_TRUST) throw new Error(`not a task student artifact (${String(header.magic)})`);
  const C = header.labels.length;
  const rows = header.rows;
  let offset = align4(4 + length);
  const buckets = new Int32Array(rows);
  for (let r = 0; r < rows; r++, offset += 4) buckets[r] = view.getInt32(offset, true);
  const bias = new Float32Array(C);
  for (let c = 0; c < C; c++, offset += 4) bias[c] = view.getFloat32(offset, true);
  const matrices: Float32Array[] = [];
  for (let m = 0; m < 2; m++) {
    const scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++, offset += 4) scales[r] = view.getFloat32(offset, true);
    const matrix = new Float32Array(rows * C);
    for (let r = 0; r < rows; r++) {
      const scale = scales[r] as number;
      for (let c = 0; c < C; c++) matrix[r * C + c] = view.getInt8(offset++) * scale;
    }
    matrices.push(matrix);
  }
  const trust = header.magic === MAGIC_TRUST && header.trust ? readTrust(bytes, align4(offset), header.trust) : undefined;
  return {
    route: header.route,
    version: header.version,
    createdAt: header.createdAt,
    labels: header.labels,
    targetAgreement: header.targetAgreement,
    thresholds: header.thresholds,
    metrics: header.metrics,
    params: { labelCount: C, buckets, bias, weights: matrices[0] as Float32Array, centroids: matrices[1] as Float32Array },
    ...(trust ? { trust } : {}),
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
