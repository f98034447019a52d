/**
 * The gateway leak bench: 10,000+ planted personal values (test/pii/planted-values.ts for the structured
 * types, test/pii/planted-names.ts for person names) through the real gateway over HTTP with the official
 * `openai` client, over every carrier (test/pii-leak-carriers.ts), half streamed, on a `local-only` and a
 * `pseudonymise` route whose router prefers the cloud. The cloud upstream is a fake on loopback that records
 * everything it receives; a leak is a planted value, or either half of a split one, anywhere in it.
 *
 * Prints Markdown tables (per carrier, per type) for docs/privacy.md, and for each carrier how many values
 * the detectors find where the carrier puts them, so a detector miss can be told from a carrier miss.
 *
 * Run: `npm run bench:pii-leak` (TANDEM_LEAK_VALUES, default 10200 structured + 1020 names; TANDEM_LEAK_SEED).
 */
import { detectPii } from '../src/privacy/detect-pii.js';
import { seededRandom } from '../src/quality/eval/routing-metrics.js';
import { carrierCase, CARRIERS, foundForCarrier, type Carrier, type Planted } from '../test/pii-leak-carriers.js';
import { leakTable, runGatewayLeak, type CaseOutcome } from '../test/pii-leak-gateway.js';
import { plantedNameCases } from '../test/pii/planted-names.js';
import { plantedValues } from '../test/pii/planted-values.js';

const SEED = Number(process.env.TANDEM_LEAK_SEED ?? 20261205);
const VALUES = Number(process.env.TANDEM_LEAK_VALUES ?? 10_200);

function names(count: number): Planted[] {
  const out: Planted[] = [];
  for (const c of plantedNameCases({ seed: SEED, perLocale: 60 })) {
    const first = c.names[0];
    if (!first) continue;
    out.push({ type: 'PERSON', value: c.text.slice(first[0], first[1]), sentence: c.text });
    if (out.length === count) break;
  }
  return out;
}

// Interleaved, so each carrier gets every type (carriers are assigned round-robin).
const structured: Planted[] = plantedValues({ seed: SEED, count: VALUES });
const persons = names(Math.round(VALUES / 10));
const planted: Planted[] = [];
for (let i = 0, j = 0; i < structured.length || j < persons.length; ) {
  if (i < structured.length) planted.push(structured[i++] as Planted);
  if (i % 10 === 0 && j < persons.length) planted.push(persons[j++] as Planted);
}

const BARE = new Set<Carrier>(['user field', 'message name', 'stop', 'image URL']);

let last = 0;
const run = await runGatewayLeak({
  planted,
  seed: SEED,
  modes: ['local-only', 'pseudonymise'],
  onProgress: (done, total) => {
    if (done - last >= 2000 || done === total) {
      last = done;
      process.stderr.write(`${done}/${total}\n`);
    }
  },
});

const random = seededRandom(SEED);
const cases = planted.map((p, i) => carrierCase(CARRIERS[i % CARRIERS.length] as Carrier, p, random));
const found = (o: CaseOutcome): boolean => {
  const c = cases[o.id % cases.length];
  return c !== undefined && foundForCarrier(c, detectPii);
};
const ps = run.outcomes.filter((o) => o.mode === 'pseudonymise');
const lo = run.outcomes.filter((o) => o.mode === 'local-only');
const pct = (n: number, d: number): string => `${((100 * n) / Math.max(1, d)).toFixed(2)}%`;
const leaks = (list: readonly CaseOutcome[]): number => list.filter((o) => o.leaked !== null).length;
const failed = run.outcomes.filter((o) => o.status !== 200);

console.log(
  `# Gateway leak bench: ${planted.length} planted values (${persons.length} names), ${run.outcomes.length} requests, seed ${SEED}, ${(run.elapsedMs / 1000).toFixed(0)} s\n`,
);
console.log(
  `local-only: ${leaks(lo)} leaks (${pct(leaks(lo), lo.length)}); pseudonymise: ${leaks(ps)} leaks (${pct(leaks(ps), ps.length)}); requests not answered 200: ${failed.length}`,
);
const bareFree = (list: readonly CaseOutcome[]): CaseOutcome[] => list.filter((o) => !BARE.has(o.carrier));
console.log(
  `without the bare-value carriers (user field, message name, stop, image URL): local-only ${pct(leaks(bareFree(lo)), bareFree(lo).length)}, pseudonymise ${pct(leaks(bareFree(ps)), bareFree(ps).length)}`,
);
const carrierMisses = run.outcomes.filter((o) => o.leaked !== null && found(o));
console.log(`leaks of values the detectors find where they are carried (carrier misses): ${carrierMisses.length}\n`);
for (const o of carrierMisses.slice(0, 10))
  console.log(
    `  carrier miss: ${o.mode} ${o.carrier} ${o.type} ${o.streamed ? 'streamed' : 'whole'}: ${JSON.stringify(cases[o.id % cases.length]?.carried.slice(0, 160))}`,
  );

// Every leak of a structured value is listed: the target for them is 0.
for (const o of run.outcomes.filter((o) => o.leaked !== null && o.type !== 'PERSON'))
  console.log(
    `  structured leak: ${o.mode} ${o.carrier} ${o.type} ${o.streamed ? 'streamed' : 'whole'}: ${JSON.stringify(o.leaked)} in ${JSON.stringify(cases[o.id % cases.length]?.carried.slice(0, 240))}`,
  );

console.log('\n## Per carrier\n');
console.log(leakTable(run.outcomes, (o) => o.carrier).join('\n'));
console.log('\n## Per type\n');
console.log(leakTable(run.outcomes, (o) => o.type).join('\n'));
console.log("\n## Found where carried (the gateway's request detection on each carrier's input; the user field is always hashed)\n");
console.log('| carrier | found | of |\n| --- | ---: | ---: |');
for (const carrier of CARRIERS) {
  const list = ps.filter((o) => o.carrier === carrier);
  console.log(`| ${carrier} | ${list.filter(found).length} | ${list.length} |`);
}
process.exit(0);
