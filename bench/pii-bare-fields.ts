/**
 * Fields without prose (a `stop` sequence, a message `name`, a tool-call argument's value, an image URL's
 * query value): what the request detection finds there with and without the identifier rule
 * (src/privacy/bare-identifier.ts), on the planted structured values (each value alone, as such a field
 * carries it) and on benign texts put in the same fields: Banking77's and CLINC150's test queries, the
 * generator's hard negatives (order numbers, dates without a birth cue, prices …).
 *
 * Run: `npm run bench:pii` (its section "Fields without prose"); alone: `npx tsx bench/pii-bare-fields.ts`,
 * add `--errors` to list the flagged benign values.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectInTexts } from '../src/privacy/detect-request-pii.js';
import type { RequestText } from '../src/privacy/request-texts.js';
import { benignSentences, plantedValues } from '../test/pii/planted-values.js';
import { readIntentQueries, REPORT_SEED } from './pii-structured-eval.js';

type Field = 'stop' | 'tool argument' | 'image URL query';
const FIELDS: readonly Field[] = ['stop', 'tool argument', 'image URL query'];

/** The one text a field holds `value` as, bare (identifier rule on) or not (the detectors alone). */
function fieldText(field: Field, value: string, bare: boolean): RequestText {
  switch (field) {
    case 'stop':
      return { path: ['params', 'stop', 0], text: value, onFinding: 'replace', ...(bare ? { bare: 'value' as const } : {}) };
    case 'tool argument':
      // A neutral key, as a search or lookup tool would name it.
      return {
        path: ['messages', 1, 'tool_calls', 0, 'function', 'arguments'],
        inner: ['query'],
        cue: 'query',
        text: value,
        onFinding: 'replace',
        ...(bare ? { bare: 'value' as const } : {}),
      };
    case 'image URL query':
      return {
        path: ['messages', 0, 'content', 0, 'image_url', 'url'],
        text: `https://files.example.com/scan.png?ref=${encodeURIComponent(value)}`,
        cue: 'image url',
        onFinding: 'keep-local',
        ...(bare ? { bare: 'url' as const } : {}),
      };
  }
}

const flagged = (field: Field, value: string, bare: boolean): boolean => detectInTexts([fieldText(field, value, bare)]).length > 0;
const pct = (n: number, d: number): string => ((100 * n) / Math.max(1, d)).toFixed(2);

export function reportBareFields(options: { seed?: number; count?: number; showErrors?: boolean } = {}): void {
  const seed = options.seed ?? REPORT_SEED;
  const count = options.count ?? 12_000;
  const show = options.showErrors ?? false;
  const planted = plantedValues({ seed, count });
  console.log(`\n#### Fields without prose (bench/pii-bare-fields.ts, seed ${seed})\n`);
  console.log(
    'Planted structured values, each alone in the field (any finding: kept local on `local-only`, replaced or the field dropped on `pseudonymise`, an image URL kept local):\n',
  );
  console.log(`| field | values | found, detectors alone % | found, with the bare-field reading % |`);
  console.log('| --- | ---: | ---: | ---: |');
  const byType = new Map<string, { n: number; before: number; after: number }>();
  for (const field of FIELDS) {
    let before = 0;
    let after = 0;
    for (const v of planted) {
      const b = flagged(field, v.value, false);
      const a = b || flagged(field, v.value, true);
      if (b) before++;
      if (a) after++;
      if (field === 'stop') {
        const t = byType.get(v.type) ?? { n: 0, before: 0, after: 0 };
        t.n++;
        if (b) t.before++;
        if (a) t.after++;
        byType.set(v.type, t);
      }
    }
    console.log(`| ${field} | ${planted.length} | ${pct(before, planted.length)} | ${pct(after, planted.length)} |`);
  }
  console.log('\nPer type, as a stop sequence:\n');
  console.log('| type | values | detectors alone % | with the identifier rule % |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [type, t] of [...byType].sort(([a], [b]) => (a < b ? -1 : 1))) console.log(`| ${type} | ${t.n} | ${pct(t.before, t.n)} | ${pct(t.after, t.n)} |`);

  const here = dirname(fileURLToPath(import.meta.url));
  const { banking, clinc } = readIntentQueries(here);
  const negatives: Array<[string, readonly string[]]> = [
    ['Banking77 test', banking],
    ['CLINC150 test', clinc],
    ['hard negatives (benignSentences)', benignSentences({ seed, count: 4000 })],
  ];
  console.log(
    '\nBenign texts put in the field (flagged: any finding there; "added": flagged only with the bare-field reading, i.e. the identifier rule and, in a URL, the decoded query value):\n',
  );
  console.log('| texts | field | n | flagged, detectors alone % | flagged, with the bare-field reading % | added % |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const [label, texts] of negatives) {
    for (const field of FIELDS) {
      let before = 0;
      let after = 0;
      for (const text of texts) {
        const b = flagged(field, text, false);
        const a = b || flagged(field, text, true);
        if (b) before++;
        if (a) after++;
        if (show && a && !b) console.log(`RULE ${label} / ${field}: ${JSON.stringify(text)}`);
      }
      console.log(
        `| ${label} | ${field} | ${texts.length} | ${pct(before, texts.length)} | ${pct(after, texts.length)} | ${pct(after - before, texts.length)} |`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) reportBareFields({ showErrors: process.argv.includes('--errors') });
