/**
 * Drift of one route (docs/lifecycle.md#drift). Input drift: the sliding window of the latest requests'
 * binned words against a reference (the task route's training examples, or the first requests after
 * start), checked every `check_every` requests by PSI and Jensen–Shannon (drift-histogram.ts). Quality
 * drift: the task student's live agreement against its agreement when it started serving. Either crossing
 * its threshold logs one alert line, sets the `tandem_drift_*` gauges, and (per `retrain`) suggests or
 * starts a retraining; it clears once the measure is back under the threshold.
 */
import type { DriftConfig } from './experiment-schema.js';
import { binText, Histogram, jensenShannon, psi, SlidingHistogram } from './drift-histogram.js';

export const DEFAULT_THRESHOLD = { psi: 0.3, js: 0.05 } as const;

export type DriftKind = 'input' | 'quality';

export interface DriftMonitorOptions {
  route: string;
  config: DriftConfig;
  log?: (message: string) => void;
  /** Called when drift is newly flagged (retrain `suggest` or `automatic` acts on it). */
  onDrift?: (kind: DriftKind, monitor: DriftMonitor) => void;
}

export class DriftMonitor {
  readonly route: string;
  readonly config: DriftConfig;
  readonly threshold: number;
  reference: Histogram | null = null;
  referenceSource: 'task_examples' | 'first_requests' | null = null;
  private referenceShares: Float64Array | null = null;
  private building: Histogram | null = null;
  readonly window: SlidingHistogram;
  private sinceCheck = 0;
  /** The latest measures (null before the first check). */
  psi: number | null = null;
  js: number | null = null;
  inputDrift = false;
  /** Requests seen since start. */
  requests = 0;
  /** Times drift was newly flagged since start, by kind. */
  readonly alerts: Record<DriftKind, number> = { input: 0, quality: 0 };
  /** Live agreement now and at promotion (task routes); null when unknown. */
  quality: { current: number; reference: number } | null = null;
  qualityDrift = false;

  constructor(private readonly options: DriftMonitorOptions) {
    this.route = options.route;
    this.config = options.config;
    this.threshold = options.config.threshold ?? DEFAULT_THRESHOLD[options.config.measure];
    this.window = new SlidingHistogram(options.config.window);
  }

  /** Sets the reference from the training inputs (task examples). Fewer than 50 inputs: left to the first requests. */
  setReference(inputs: Iterable<string>): boolean {
    const h = new Histogram();
    for (const input of inputs) h.add(binText(input));
    if (h.samples < 50) return false;
    this.useReference(h, 'task_examples');
    return true;
  }

  /** One request's input text. */
  observe(text: string): void {
    if (text.length === 0) return;
    this.requests++;
    const sample = binText(text);
    if (this.reference === null) {
      this.building ??= new Histogram();
      this.building.add(sample);
      if (this.building.samples >= this.config.reference_size) {
        this.useReference(this.building, 'first_requests');
        this.building = null;
      }
      return;
    }
    this.window.push(sample);
    if (++this.sinceCheck >= this.config.check_every && this.window.full) {
      this.sinceCheck = 0;
      this.check();
    }
  }

  /** The measures now, from the kept histograms (O(bins)). */
  check(): void {
    if (this.referenceShares === null) return;
    const current = this.window.shares();
    this.psi = psi(this.referenceShares, current);
    this.js = jensenShannon(this.referenceShares, current);
    const value = this.config.measure === 'psi' ? this.psi : this.js;
    const drifted = value > this.threshold;
    if (drifted && !this.inputDrift) {
      this.alerts.input++;
      this.log(
        `tandem: drift alert: route ${this.route} input ${this.config.measure} ${value.toFixed(3)} > ${this.threshold} over the last ${this.config.window} requests (reference: ${this.referenceSource})`,
      );
      this.inputDrift = true;
      this.options.onDrift?.('input', this);
    } else if (!drifted && this.inputDrift) {
      this.inputDrift = false;
      this.log(`tandem: drift cleared: route ${this.route} input ${this.config.measure} ${value.toFixed(3)} <= ${this.threshold}`);
    }
  }

  /** The student's live agreement and its agreement at promotion; flags a drop beyond `quality_drop`. */
  observeQuality(current: number | null, reference: number | null): void {
    if (current === null || reference === null) {
      this.quality = null;
      return;
    }
    this.quality = { current, reference };
    const drifted = reference - current > this.config.quality_drop;
    if (drifted && !this.qualityDrift) {
      this.alerts.quality++;
      this.log(`tandem: drift alert: route ${this.route} quality: live agreement ${current.toFixed(3)} vs ${reference.toFixed(3)} at promotion`);
      this.qualityDrift = true;
      this.options.onDrift?.('quality', this);
    } else if (!drifted) this.qualityDrift = false;
  }

  private useReference(h: Histogram, source: 'task_examples' | 'first_requests'): void {
    this.reference = h;
    this.referenceShares = h.shares();
    this.referenceSource = source;
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }
}
