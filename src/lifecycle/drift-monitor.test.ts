/**
 * Drift on a synthetic shift: a route's reference is Banking77 training inputs; Banking77 traffic then
 * CLINC150 traffic is flagged within the documented window (500 requests) of the shift, and an unshifted
 * Banking77 stream is not, with the false-alarm rate measured over 100 seeds (docs/lifecycle.md#drift).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { driftSchema } from './experiment-schema.js';
import { binText, Histogram, jensenShannon, psi, SlidingHistogram } from './drift-histogram.js';
import { DriftMonitor } from './drift-monitor.js';
import { seededRandom } from '../quality/eval/routing-metrics.js';

const SHARED = new URL('../../../shared/data/intents/', import.meta.url);

function banking77(): string[] {
  const lines = readFileSync(new URL('banking77/train.csv', SHARED), 'utf8').split('\n').slice(1).filter(Boolean);
  return lines.map((line) => line.slice(0, line.lastIndexOf(',')).replace(/^"|"$/g, ''));
}

function clinc150(): string[] {
  const data = JSON.parse(readFileSync(new URL('clinc150/data_full.json', SHARED), 'utf8')) as { train: Array<[string, string]> };
  return data.train.map(([text]) => text);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const config = driftSchema.parse({});
const bank = banking77();
const clinc = clinc150();

function monitorFor(seed: number): { monitor: DriftMonitor; stream: string[]; random: () => number; alerts: string[] } {
  const random = seededRandom(seed);
  const order = shuffled(bank, random);
  const alerts: string[] = [];
  const monitor = new DriftMonitor({ route: 'support/intent', config, log: (m) => alerts.push(m) });
  // The reference is the training data; the stream is held-out traffic from the same distribution.
  assert.equal(monitor.setReference(order.slice(0, 2_000)), true);
  return { monitor, stream: order.slice(2_000), random, alerts };
}

describe('drift measures', () => {
  test('PSI and Jensen–Shannon are 0 for the same distribution and grow with the shift', () => {
    const a = new Histogram();
    for (const t of bank.slice(0, 500)) a.add(binText(t));
    const same = psi(a.shares(), a.shares());
    assert.equal(same, 0);
    assert.equal(jensenShannon(a.shares(), a.shares()), 0);
    const b = new Histogram();
    for (const t of clinc.slice(0, 500)) b.add(binText(t));
    assert.ok(psi(a.shares(), b.shares()) > 0.3);
    assert.ok(jensenShannon(a.shares(), b.shares()) > 0.05 && jensenShannon(a.shares(), b.shares()) < 1);
  });

  test('the sliding window equals a histogram of its last requests (incremental add and subtract)', () => {
    const w = new SlidingHistogram(50);
    for (const t of bank.slice(0, 130)) w.push(binText(t));
    const direct = new Histogram();
    for (const t of bank.slice(80, 130)) direct.add(binText(t));
    assert.equal(w.samples, 50);
    for (let i = 0; i < direct.counts.length; i++) assert.ok(Math.abs((w.counts[i] as number) - (direct.counts[i] as number)) < 1e-4);
  });
});

describe('drift on Banking77 -> CLINC150', () => {
  test(`flagged within one window (${config.window} requests) of the shift, in every one of 20 seeds`, () => {
    const delays: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const { monitor, stream, random, alerts } = monitorFor(seed);
      for (const text of stream.slice(0, 600)) monitor.observe(text);
      assert.equal(monitor.inputDrift, false, `seed ${seed}: flagged before the shift (psi ${monitor.psi})`);
      const shifted = shuffled(clinc, random);
      let at = -1;
      for (let i = 0; i < config.window; i++) {
        monitor.observe(shifted[i] as string);
        if (monitor.inputDrift) {
          at = i + 1;
          break;
        }
      }
      assert.ok(at > 0, `seed ${seed}: not flagged within ${config.window} requests (psi ${monitor.psi})`);
      assert.match(alerts[0] ?? '', /^tandem: drift alert: route support\/intent input psi \d\.\d+ > 0\.3/);
      delays.push(at);
    }
    // Reported by the test run (docs/lifecycle.md#drift quotes the figure).
    delays.sort((a, b) => a - b);
    console.log(`drift detection delay after the shift (requests): median ${delays[10]}, max ${delays[19]}`);
  });

  test('an unshifted Banking77 stream: false alarms in at most 5 of 100 seeds', () => {
    let alarms = 0;
    let worst = 0;
    for (let seed = 101; seed <= 200; seed++) {
      const { monitor, stream } = monitorFor(seed);
      for (const text of stream.slice(0, 1_500)) monitor.observe(text);
      worst = Math.max(worst, monitor.psi ?? 0);
      if (monitor.alerts.input > 0) alarms++;
    }
    console.log(`false alarms over 100 unshifted seeds (1,500 requests each): ${alarms}; highest final PSI ${worst.toFixed(3)}`);
    assert.ok(alarms <= 5, `${alarms} false alarms`);
  });

  test('the first requests become the reference when there is no training data', () => {
    const monitor = new DriftMonitor({ route: 'r', config: driftSchema.parse({ reference_size: 200, window: 200 }), log: () => {} });
    assert.equal(monitor.setReference(bank.slice(0, 10)), false);
    for (const t of bank.slice(0, 200)) monitor.observe(t);
    assert.equal(monitor.referenceSource, 'first_requests');
    for (const t of clinc.slice(0, 400)) monitor.observe(t);
    assert.equal(monitor.inputDrift, true);
  });

  test('quality drift: flagged when live agreement falls more than quality_drop below its value at promotion', () => {
    const flagged: string[] = [];
    const monitor = new DriftMonitor({ route: 'r', config, log: () => {}, onDrift: (kind) => flagged.push(kind) });
    monitor.observeQuality(0.93, 0.95);
    assert.equal(monitor.qualityDrift, false);
    monitor.observeQuality(0.88, 0.95);
    monitor.observeQuality(0.87, 0.95);
    assert.deepEqual(flagged, ['quality']);
    assert.equal(monitor.alerts.quality, 1);
  });
});
