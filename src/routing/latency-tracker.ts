/** Recent time-to-first-token observations per model, in a fixed-size ring, for the latency policy. */
import type { LatencyStats } from '../policy/policy.js';

export class LatencyTracker implements LatencyStats {
  private readonly rings = new Map<string, { values: Float64Array; next: number; count: number; p90: number | undefined }>();

  /** Sees every observation (src/cluster/shared-latency.ts batches them to Redis for the other replicas). */
  onRecord: ((model: string, ttftMs: number) => void) | undefined;

  constructor(readonly size = 100) {}

  record(model: string, ttftMs: number): void {
    this.onRecord?.(model, ttftMs);
    let ring = this.rings.get(model);
    if (!ring) {
      ring = { values: new Float64Array(this.size), next: 0, count: 0, p90: undefined };
      this.rings.set(model, ring);
    }
    ring.values[ring.next] = ttftMs;
    ring.next = (ring.next + 1) % this.size;
    ring.count = Math.min(ring.count + 1, this.size);
    ring.p90 = undefined;
  }

  /** Replaces a model's ring with observations merged across replicas (oldest first); later records append. */
  adopt(model: string, values: readonly number[]): void {
    const recent = values.slice(-this.size);
    const ring = { values: new Float64Array(this.size), next: recent.length % this.size, count: recent.length, p90: undefined };
    ring.values.set(recent);
    this.rings.set(model, ring);
  }

  ttftP90(model: string, minSamples: number): number | undefined {
    const ring = this.rings.get(model);
    if (!ring || ring.count < minSamples) return undefined;
    if (ring.p90 === undefined) {
      const sorted = Array.from(ring.values.subarray(0, ring.count)).sort((a, b) => a - b);
      ring.p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
    }
    return ring.p90;
  }
}
