/**
 * Structured personal values (docs/privacy.md, "Planted structured values"): detection recall per type and
 * form on values from test/pii/planted-values.ts, false alarms on its hard negatives and on the Banking77 and
 * CLINC150 test queries, and what the cue guard adds on `local-only` routes.
 *
 *   npx tsx bench/pii-structured-eval.ts              tables (also printed by `npm run bench:pii`)
 *   npx tsx bench/pii-structured-eval.ts --errors     also list every miss and every flagged benign text
 *
 * Counting, per planted value (detection at the default threshold, 0.5):
 * - pseudonymise: the value's characters are all inside findings (of any type); otherwise some of it would
 *   reach a cloud model.
 * - type: a finding of the planted type overlaps the value.
 * - local-only: the text has any finding, or the cue guard trips; otherwise it could go to a cloud model.
 * A benign text or intent query is "kept local" when it has any finding or the cue guard trips.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cueGuard } from '../src/privacy/cue-guard.js';
import { detectPii } from '../src/privacy/detect-pii.js';
import type { PiiFinding } from '../src/privacy/pii-finding.js';
import { benignSentences, plantedValues } from '../test/pii/planted-values.js';

/** The seed the figures in docs/privacy.md come from; the detectors were tuned on other seeds. */
export const REPORT_SEED = 20_261_205;

interface Tally {
  n: number;
  covered: number;
  typed: number;
  local: number;
  /** The cue guard trips on the text, whatever the detectors found: how much of the type it would catch alone. */
  guard: number;
}
const tally = (): Tally => ({ n: 0, covered: 0, typed: 0, local: 0, guard: 0 });
const pct = (a: number, b: number): string => (b === 0 ? '—' : ((100 * a) / b).toFixed(2));

function covers(findings: readonly PiiFinding[], start: number, end: number): boolean {
  let at = start;
  for (const f of findings) {
    if (f.start <= at && f.end > at) at = f.end;
    if (at >= end) return true;
  }
  return at >= end;
}

export function readIntentQueries(here: string): { banking: string[]; clinc: string[] } {
  const bankingPath = process.env.BANKING77_TEST ?? join(here, '../../shared/data/intents/banking77/test.csv');
  const clincPath = process.env.BENIGN_DATASET ?? join(here, '../../shared/data/intents/clinc150/data_full.json');
  const banking = readFileSync(bankingPath, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => /^"((?:[^"]|"")*)",/.exec(line)?.[1]?.replace(/""/g, '"') ?? line.slice(0, line.lastIndexOf(',')));
  const clinc = (JSON.parse(readFileSync(clincPath, 'utf8')) as { test: Array<[string, string]> }).test.map(([text]) => text);
  return { banking, clinc };
}

export function reportStructured(options: { count?: number; seed?: number; showErrors?: boolean } = {}): void {
  const count = options.count ?? 12_000;
  const seed = options.seed ?? REPORT_SEED;
  const show = options.showErrors ?? false;
  const byType = new Map<string, Tally>();
  const byForm = new Map<string, Tally>();
  const all = tally();
  let cueOnly = 0;
  for (const v of plantedValues({ seed, count })) {
    const start = v.sentence.indexOf(v.value);
    const end = start + v.value.length;
    const findings = detectPii(v.sentence);
    const covered = covers(findings, start, end);
    const typed = findings.some((f) => f.type === v.type && f.start < end && start < f.end);
    const guardAlone = cueGuard(v.sentence) !== null;
    const guard = findings.length === 0 && guardAlone;
    if (guard) cueOnly++;
    const local = findings.length > 0 || guard;
    const typeTally = byType.get(v.type) ?? tally();
    const formTally = byForm.get(v.form) ?? tally();
    byType.set(v.type, typeTally);
    byForm.set(v.form, formTally);
    for (const t of [all, typeTally, formTally]) {
      t.n++;
      if (covered) t.covered++;
      if (typed) t.typed++;
      if (local) t.local++;
      if (guardAlone) t.guard++;
    }
    if (show && (!covered || !local)) {
      console.log(
        `MISS ${v.form} ${JSON.stringify(v.value)} in ${JSON.stringify(v.sentence)} found ${JSON.stringify(findings.map((f) => [f.type, v.sentence.slice(f.start, f.end)]))}`,
      );
    }
  }
  console.log(`\n#### Planted structured values (test/pii/planted-values.ts, seed ${seed}, ${count} values)\n`);
  console.log('| type | values | pseudonymise: value fully hidden % | right type % | local-only: kept local % | cue guard alone % |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [type, t] of [...byType].sort(([a], [b]) => (a < b ? -1 : 1))) {
    console.log(`| ${type} | ${t.n} | ${pct(t.covered, t.n)} | ${pct(t.typed, t.n)} | ${pct(t.local, t.n)} | ${pct(t.guard, t.n)} |`);
  }
  console.log(`| all | ${all.n} | ${pct(all.covered, all.n)} | ${pct(all.typed, all.n)} | ${pct(all.local, all.n)} | ${pct(all.guard, all.n)} |`);
  console.log(
    `\nLeaks: ${all.n - all.covered} of ${all.n} values on pseudonymise, ${all.n - all.local} on local-only; the cue guard alone kept ${cueOnly} local.`,
  );
  const weak = [...byForm].filter(([, t]) => t.covered < t.n || t.local < t.n);
  console.log(`Forms: ${byForm.size}, of which ${byForm.size - weak.length} fully hidden in every draw.`);
  if (weak.length > 0) {
    console.log('\n| form (below 100%) | values | fully hidden % | kept local % |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [form, t] of weak.sort(([a], [b]) => (a < b ? -1 : 1))) console.log(`| ${form} | ${t.n} | ${pct(t.covered, t.n)} | ${pct(t.local, t.n)} |`);
  }

  const flagged = (texts: readonly string[], label: string): { local: number; detected: number; structured: number; guard: number } => {
    let local = 0;
    let detected = 0;
    let structured = 0;
    let guard = 0;
    for (const text of texts) {
      const findings = detectPii(text);
      const hit = cueGuard(text);
      if (findings.length > 0) detected++;
      if (findings.some((f) => f.type !== 'PERSON')) structured++;
      if (hit) guard++;
      if (findings.length > 0 || hit) {
        local++;
        if (show)
          console.log(
            `${label} ${hit ? `cue:${hit.kind} ` : ''}${JSON.stringify(findings.map((f) => [f.type, text.slice(f.start, f.end)]))} in ${JSON.stringify(text)}`,
          );
      }
    }
    return { local, detected, structured, guard };
  };
  const benign = benignSentences({ seed, count: 4000 });
  const here = dirname(fileURLToPath(import.meta.url));
  const { banking, clinc } = readIntentQueries(here);
  console.log('\n| negatives | texts | any finding % | a finding other than PERSON % | cue guard trips % | kept local on local-only % |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, texts] of [
    ['hard negatives (benignSentences)', benign],
    ['Banking77 test', banking],
    ['CLINC150 test', clinc],
  ] as const) {
    const r = flagged(texts, label.split(' ')[0] ?? label);
    console.log(
      `| ${label} | ${texts.length} | ${pct(r.detected, texts.length)} | ${pct(r.structured, texts.length)} | ${pct(r.guard, texts.length)} | ${pct(r.local, texts.length)} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) reportStructured({ showErrors: process.argv.includes('--errors') });
