/**
 * Precision and recall of the PII detectors on Presidio's synthetic data set
 * (../shared/data/pii/presidio_synth_dataset_v2.json, MIT, Microsoft).
 *
 *   npm run bench:pii                         both halves, markdown tables
 *   npm run bench:pii -- --errors PERSON      also print misses and false alarms of one type (tuning half only)
 *   npm run bench:pii -- --errors CLINC       print what was found in the benign requests below
 *   npm run bench:pii -- --errors STRUCTURED  misses and false alarms of the planted structured values
 *   npm run bench:pii -- --errors BARE        benign values flagged in fields without prose (stop, tool argument, image URL)
 *
 * Split: the set is generated from ~200 templates; records whose template_id is even form the tuning half
 * (the detectors were developed against it), odd ones the held-out half, so no held-out template was seen.
 *
 * Matching (span overlap): a gold span counts as found when a prediction of the mapped type shares at least
 * one character with it; a prediction counts as correct when it shares at least one character with a gold
 * span of a label mapped to its type. Precision = correct predictions / predictions, recall = found gold
 * spans / gold spans. "char recall" is the share of gold characters covered by a prediction of the right type
 * (what pseudonymisation actually hides).
 *
 * False alarms on ordinary requests: CLINC150's test split (../shared/data/intents/clinc150, CC BY 3.0),
 * 4,500 short assistant requests, all lowercase ("set a timer for 5 minutes", "what is 2 plus 2"). It has
 * no PII labels and few names, so the share with any finding bounds the false-alarm rate from above: each
 * flagged request would be treated as sensitive by a privacy policy with automatic detection.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectPii } from '../src/privacy/detect-pii.js';
import type { PiiFinding, PiiType } from '../src/privacy/pii-finding.js';

interface GoldSpan {
  entity_type: string;
  start_position: number;
  end_position: number;
  entity_value: string;
}
interface Record_ {
  full_text: string;
  spans: GoldSpan[];
  template_id: number;
}

/** The data set's labels that correspond to ours. Its other labels (GPE, ORGANIZATION, TITLE, AGE, NRP, …) we do not detect. */
const LABEL_MAP: Record<string, PiiType> = {
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  PHONE_NUMBER: 'PHONE_NUMBER',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN_CODE',
  US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  STREET_ADDRESS: 'STREET_ADDRESS',
  PERSON: 'PERSON',
  // Any date; we only report dates of birth, so recall against this label is bounded by how many are birth dates.
  DATE_TIME: 'DATE_OF_BIRTH',
};

const here = dirname(fileURLToPath(import.meta.url));
const dataPath = process.env.PII_DATASET ?? join(here, '../../shared/data/pii/presidio_synth_dataset_v2.json');
const benignPath = process.env.BENIGN_DATASET ?? join(here, '../../shared/data/intents/clinc150/data_full.json');
const records = JSON.parse(readFileSync(dataPath, 'utf8')) as Record_[];
const errorsFor = process.argv.includes('--errors') ? process.argv[process.argv.indexOf('--errors') + 1] : undefined;
const minConfidenceArg = process.argv.includes('--min-confidence') ? Number(process.argv[process.argv.indexOf('--min-confidence') + 1]) : undefined;

interface Tally {
  gold: number;
  found: number;
  predicted: number;
  correct: number;
  goldChars: number;
  coveredChars: number;
}
const emptyTally = (): Tally => ({ gold: 0, found: 0, predicted: 0, correct: 0, goldChars: 0, coveredChars: 0 });
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

function evaluate(subset: Record_[], showErrors: boolean): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  const tally = (key: string): Tally => {
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = emptyTally()));
    return t;
  };
  for (const record of subset) {
    const text = record.full_text;
    const predictions: PiiFinding[] = detectPii(text, minConfidenceArg === undefined ? {} : { minConfidence: minConfidenceArg });
    const gold = record.spans
      .filter((s) => LABEL_MAP[s.entity_type] !== undefined)
      .map((s) => ({ type: LABEL_MAP[s.entity_type] as PiiType, start: s.start_position, end: s.end_position }));
    for (const key of [...new Set<string>([...gold.map((g) => g.type), ...predictions.map((p) => p.type)]), 'ANY']) {
      const g = key === 'ANY' ? gold : gold.filter((x) => x.type === key);
      const p = key === 'ANY' ? predictions : predictions.filter((x) => x.type === key);
      const t = tally(key);
      t.gold += g.length;
      t.predicted += p.length;
      for (const span of g) {
        if (p.some((x) => overlaps(x, span))) t.found++;
        else if (showErrors && key === errorsFor) console.log(`MISS  ${JSON.stringify(text.slice(span.start, span.end))}  in ${JSON.stringify(text)}`);
        t.goldChars += span.end - span.start;
        for (let i = span.start; i < span.end; i++) if (p.some((x) => x.start <= i && i < x.end)) t.coveredChars++;
      }
      for (const x of p) {
        if (g.some((span) => overlaps(x, span))) t.correct++;
        else if (showErrors && key === errorsFor)
          console.log(`FALSE ${JSON.stringify(text.slice(x.start, x.end))} (${x.confidence.toFixed(2)})  in ${JSON.stringify(text)}`);
      }
    }
  }
  return tallies;
}

const pct = (n: number, d: number): string => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}`);
function table(title: string, tallies: Map<string, Tally>): string {
  const rows = [
    `#### ${title}`,
    '',
    '| type | gold | predicted | precision % | recall % | F1 % | char recall % |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const order = [...Object.values(LABEL_MAP), 'API_KEY', 'SECRET', 'ANY'];
  for (const key of order) {
    const t = tallies.get(key);
    if (!t) continue;
    const p = t.predicted === 0 ? NaN : t.correct / t.predicted;
    const r = t.gold === 0 ? NaN : t.found / t.gold;
    const f1 = Number.isNaN(p) || Number.isNaN(r) || p + r === 0 ? '–' : ((200 * p * r) / (p + r)).toFixed(1);
    rows.push(
      `| ${key} | ${t.gold} | ${t.predicted} | ${pct(t.correct, t.predicted)} | ${pct(t.found, t.gold)} | ${f1} | ${pct(t.coveredChars, t.goldChars)} |`,
    );
  }
  return rows.join('\n');
}

const tuning = records.filter((r) => r.template_id % 2 === 0);
const heldOut = records.filter((r) => r.template_id % 2 === 1);
const tuningTallies = evaluate(tuning, errorsFor !== undefined);
if (errorsFor === undefined) {
  console.log(table(`Tuning half (even template_id, ${tuning.length} records)`, tuningTallies));
  console.log();
  console.log(table(`Held-out half (odd template_id, ${heldOut.length} records)`, evaluate(heldOut, false)));
  // The same held-out half with the train part of the name lists only (the model's training lists): PERSON
  // as it does on names no list holds. The tables above use the shipped lists (train part and held-out quarter).
  const { useNameLists } = await import('../src/privacy/names/name-lexicon.js');
  const previous = useNameLists('train');
  const person = evaluate(heldOut, false).get('PERSON') ?? emptyTally();
  useNameLists(previous);
  console.log(
    `\nPERSON on the held-out half, train-part name lists only (names no list holds): precision ${pct(person.correct, person.predicted)}%, ` +
      `recall ${pct(person.found, person.gold)}%, char recall ${pct(person.coveredChars, person.goldChars)}% (${person.found} of ${person.gold}, ${person.predicted} predicted)`,
  );
}

const benign = (JSON.parse(readFileSync(benignPath, 'utf8')) as { test: Array<[string, string]> }).test.map(([text]) => text);
const flaggedByType = new Map<string, number>();
let flagged = 0;
for (const text of benign) {
  const findings = detectPii(text, minConfidenceArg === undefined ? {} : { minConfidence: minConfidenceArg });
  if (findings.length === 0) continue;
  flagged++;
  for (const type of new Set(findings.map((f) => f.type))) flaggedByType.set(type, (flaggedByType.get(type) ?? 0) + 1);
  if (errorsFor === 'CLINC')
    console.log(`FOUND ${findings.map((f) => `${f.type} ${JSON.stringify(text.slice(f.start, f.end))}`).join(', ')}  in ${JSON.stringify(text)}`);
}
if (errorsFor === undefined) {
  console.log(`\n#### Ordinary requests (CLINC150 test split, ${benign.length} lowercase requests, no PII labels)\n`);
  console.log(`Requests with any finding: ${flagged} (${pct(flagged, benign.length)}%)${[...flaggedByType].map(([type, n]) => `; ${type} ${n}`).join('')}`);
}

// ---- Names (docs/privacy.md, PERSON): the multilingual planted-name set and PERSON false alarms --------
// Planted names come from the held-out part of faker's lists, in templates the model was not trained on
// (test/pii/planted-names.ts). Each figure is measured twice: with the shipped lists (the train part and the
// held-out quarter, so every planted name is a listed one) and with the train part only ("names no list
// holds": the model's generalisation, since training never saw the held-out quarter). A query of Banking77's
// or CLINC150's test split counts as a false alarm when any PERSON finding is made in it. `-- --errors NAMES`
// lists the planted misses and the flagged queries of both passes ([all] / [train]).
{
  const { plantedNameCases } = await import('../test/pii/planted-names.js');
  const { scriptOf } = await import('../src/privacy/names/script-class.js');
  const { useNameLists } = await import('../src/privacy/names/name-lexicon.js');
  const SCRIPT_NAMES = [
    'other',
    'Latin',
    'Cyrillic',
    'Greek',
    'Armenian',
    'Hebrew',
    'Arabic',
    'Thaana',
    'Devanagari/Indic',
    'Thai',
    'Georgian',
    'Hangul',
    'Kana',
    'Han',
    'mark',
  ];
  const showNames = errorsFor === 'NAMES';
  const persons = (text: string): PiiFinding[] => detectPii(text, { types: ['PERSON'] });
  const cases = plantedNameCases();
  const bankingPath = process.env.BANKING77_TEST ?? join(here, '../../shared/data/intents/banking77/test.csv');
  const banking = readFileSync(bankingPath, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => /^"((?:[^"]|"")*)",/.exec(line)?.[1]?.replace(/""/g, '"') ?? line.slice(0, line.lastIndexOf(',')));
  interface NamePass {
    byScript: Map<string, { gold: number; found: number }>;
    total: { gold: number; found: number };
    negatives: number;
    negativeAlarms: number;
    predicted: number;
    correct: number;
    banking: string;
    clinc: string;
  }
  const namePass = (lists: 'all' | 'train'): NamePass => {
    const previous = useNameLists(lists);
    const tag = `[${lists}]`;
    const byScript = new Map<string, { gold: number; found: number }>();
    let negatives = 0;
    let negativeAlarms = 0;
    let predicted = 0;
    let correct = 0;
    for (const c of cases) {
      const found = persons(c.text);
      if (c.names.length === 0) {
        negatives++;
        if (found.length > 0) {
          negativeAlarms++;
          if (showNames) console.log(`NEG   ${tag} ${found.map((f) => JSON.stringify(c.text.slice(f.start, f.end))).join(', ')}  in ${JSON.stringify(c.text)}`);
        }
        continue;
      }
      predicted += found.length;
      correct += found.filter((f) => c.names.some(([a, b]) => f.start < b && a < f.end)).length;
      for (const [a, b] of c.names) {
        const script = SCRIPT_NAMES[scriptOf(c.text.charCodeAt(a))] ?? 'other';
        const t = byScript.get(script) ?? { gold: 0, found: 0 };
        byScript.set(script, t);
        t.gold++;
        if (found.some((f) => f.start < b && a < f.end)) t.found++;
        else if (showNames) console.log(`MISS  ${tag} ${c.locale} ${JSON.stringify(c.text.slice(a, b))}  in ${JSON.stringify(c.text)}`);
      }
    }
    const total = [...byScript.values()].reduce((s, t) => ({ gold: s.gold + t.gold, found: s.found + t.found }), { gold: 0, found: 0 });
    const flaggedPersons = (texts: string[], label: string): string => {
      let n = 0;
      for (const text of texts) {
        const found = persons(text);
        if (found.length === 0) continue;
        n++;
        if (showNames) console.log(`${label} ${tag} ${found.map((f) => JSON.stringify(text.slice(f.start, f.end))).join(', ')}  in ${JSON.stringify(text)}`);
      }
      return `${n} of ${texts.length} (${pct(n, texts.length)}%)`;
    };
    const result = {
      byScript,
      total,
      negatives,
      negativeAlarms,
      predicted,
      correct,
      banking: flaggedPersons(banking, 'BANK '),
      clinc: flaggedPersons(benign, 'CLINC'),
    };
    useNameLists(previous);
    return result;
  };
  const shipped = namePass('all');
  const noList = namePass('train');
  if (errorsFor === undefined) {
    console.log('\n#### Names in any script (test/pii/planted-names.ts: held-out faker names, unseen templates)\n');
    console.log('Shipped lists: the train part and the held-out quarter (every planted name is listed). No list: the train part only (names no list holds).\n');
    console.log('| script | names | found, shipped lists | recall %, shipped lists | found, no list | recall %, no list |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [script, t] of [...shipped.byScript].sort((x, y) => y[1].gold - x[1].gold)) {
      const u = noList.byScript.get(script) ?? { gold: 0, found: 0 };
      console.log(`| ${script} | ${t.gold} | ${t.found} | ${pct(t.found, t.gold)} | ${u.found} | ${pct(u.found, u.gold)} |`);
    }
    const s = shipped.total;
    const u = noList.total;
    console.log(`| all | ${s.gold} | ${s.found} | ${pct(s.found, s.gold)} | ${u.found} | ${pct(u.found, u.gold)} |`);
    for (const [label, p] of [
      ['shipped lists', shipped],
      ['no list', noList],
    ] as const) {
      console.log(
        `\n${label}: precision of PERSON findings in positive sentences: ${pct(p.correct, p.predicted)}% (${p.correct} of ${p.predicted}); negative sentences with a PERSON finding: ${p.negativeAlarms} of ${p.negatives} (${pct(p.negativeAlarms, p.negatives)}%); ` +
          `queries with a PERSON finding: Banking77 test ${p.banking}; CLINC150 test ${p.clinc}`,
      );
    }
  }
}

// ---- Structured values (docs/privacy.md, "Planted structured values"): recall per type and form on the
// generated set, false alarms on its hard negatives and the intent test sets, cue guard included.
// `-- --errors STRUCTURED` lists every miss and every flagged negative (bench/pii-structured-eval.ts).
if (errorsFor === undefined || errorsFor === 'STRUCTURED') {
  const { reportStructured } = await import('./pii-structured-eval.js');
  reportStructured({ showErrors: errorsFor === 'STRUCTURED' });
}

// ---- Fields without prose (docs/privacy.md, "Fields without prose"): the planted values alone in a stop
// sequence, a tool argument and an image URL's query, and benign texts in the same places.
if (errorsFor === undefined || errorsFor === 'BARE') {
  const { reportBareFields } = await import('./pii-bare-fields.js');
  reportBareFields({ showErrors: errorsFor === 'BARE' });
}
