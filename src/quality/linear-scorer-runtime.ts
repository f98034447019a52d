/**
 * The hot path shared by the prompt router and the cascade verifier: a dense weight table (so a feature
 * costs one array read) and a reusable feature buffer.
 */
import { FeatureBuffer } from './features/feature-hasher.js';
import { sigmoid } from './model/logistic-regression.js';

export interface LinearModelJson {
  intercept: number;
  indices: number[];
  weights: number[];
}

export class LinearRuntime {
  /** Weight by feature index (0 where the model has none). */
  readonly table: Float64Array;
  readonly intercept: number;
  readonly buffer = new FeatureBuffer();

  constructor(model: LinearModelJson, dimension: number) {
    this.table = new Float64Array(dimension);
    this.intercept = model.intercept;
    model.indices.forEach((index, k) => {
      this.table[index] = model.weights[k] as number;
    });
  }

  /** sigmoid(b + margin) for a margin w.x computed elsewhere (prompt-margin.ts); the buffer is not used. */
  probabilityOfMargin(margin: number): number {
    const p = sigmoid(this.intercept + margin);
    return Number.isFinite(p) ? p : 0.5;
  }

  /** sigmoid(b + w.x) of whatever was written into `buffer` since the last call; clears the buffer. */
  probability(): number {
    const { indices, values, size } = this.buffer;
    let z = this.intercept;
    for (let k = 0; k < size; k++) z += (this.table[indices[k] as number] ?? 0) * (values[k] as number);
    this.buffer.clear();
    const p = sigmoid(z);
    return Number.isFinite(p) ? p : 0.5;
  }
}
