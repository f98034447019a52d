/**
 * `npx tsx bench/object-spread.ts`: what an object literal with a spread costs in this Node, by shape. On Node 20
 * (V8 11.3) `{ ...source, added }`, where `added` is a property the source lacks, takes a slow path (~1-2 µs
 * per object) while the same object written out, a bare `{ ...source }`, or a spread that only overrides
 * properties the source has, take ~20-100 ns. Why the hot path writes such objects out
 * (docs/decisions/gateway-hot-path-performance.md, section 16). Medians of 5 rounds of 200,000 objects each.
 */
interface Source {
  mode: string;
  findings: unknown[];
  counts: Record<string, number>;
}

const source: Source = { mode: 'detect', findings: [], counts: {} };
const SHAPES: Record<string, (s: Source) => object> = {
  'spread, then a new property': (s) => ({ ...s, action: 'none' }),
  'spread, then three new properties': (s) => ({ ...s, action: 'none', localOnly: false, because: null }),
  'spread, then overriding a property': (s) => ({ ...s, mode: 'block' }),
  'a bare spread': (s) => ({ ...s }),
  'properties, then a spread': (s) => ({ action: 'none', ...s }),
  'written out': (s) => ({ mode: s.mode, findings: s.findings, counts: s.counts, action: 'none', localOnly: false, because: null }),
};

const N = 200_000;
let sink: object | undefined;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(`node ${process.version}, V8 ${process.versions.v8}`);
for (const [name, make] of Object.entries(SHAPES)) {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) sink = make(source);
    rounds.push(Number(process.hrtime.bigint() - started) / N);
  }
  console.log(`${name.padEnd(36)} ${median(rounds).toFixed(0).padStart(6)} ns per object`);
}
if (sink === undefined) throw new Error('unreachable');
