/**
 * The name model's weights on disk: only the non-zero ones, as (gap to the previous index, varint) and
 * (weight, int16 scaled by `scale`) pairs, base64-encoded into a generated TypeScript module so the build
 * ships it with the code (tsc copies no data files). Most of the 2^18 hashed features never fire in
 * training, so this is a few hundred kilobytes instead of a megabyte.
 */

export function encodeWeights(weights: Float32Array, minAbs: number): { data: string; scale: number; nonZero: number } {
  let maxAbs = 0;
  for (const w of weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs / 32767 || 1;
  const bytes: number[] = [];
  let last = -1;
  let nonZero = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (Math.abs(w) < minAbs) continue;
    const q = Math.round(w / scale);
    if (q === 0) continue;
    let gap = i - last;
    last = i;
    while (gap >= 0x80) {
      bytes.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    bytes.push(gap);
    const u = q & 0xffff;
    bytes.push(u & 0xff, u >>> 8);
    nonZero++;
  }
  return { data: Buffer.from(bytes).toString('base64'), scale, nonZero };
}

export function decodeWeights(data: string, scale: number, size: number): Float32Array {
  const bytes = Buffer.from(data, 'base64');
  const weights = new Float32Array(size);
  let index = -1;
  let p = 0;
  while (p < bytes.length) {
    let gap = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++]!;
      gap |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    index += gap;
    const u = bytes[p]! | (bytes[p + 1]! << 8);
    p += 2;
    if (index >= size) throw new Error('name model: weight index out of range');
    weights[index] = ((u << 16) >> 16) * scale;
  }
  return weights;
}
