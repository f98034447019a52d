/** The intent datasets of `npm run bench:distill` (../shared/data/intents, see ../shared/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/config/builtin-config.js';

export interface Labelled {
  text: string;
  label: string;
}

export interface IntentDataset {
  name: string;
  train: Labelled[];
  test: Labelled[];
}

const INTENTS = join(PACKAGE_ROOT, '..', 'shared', 'data', 'intents');

/** RFC 4180 rows of `text,category`: quoted fields may hold commas, doubled quotes and line breaks. */
function readCsv(path: string): Labelled[] {
  const text = readFileSync(path, 'utf8');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.some((f) => f !== '')) records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  record.push(field);
  if (record.some((f) => f !== '')) records.push(record);
  return records.slice(1).map(([text = '', label = '']) => ({ text, label }));
}

export function banking77(): IntentDataset {
  return { name: 'banking77', train: readCsv(join(INTENTS, 'banking77', 'train.csv')), test: readCsv(join(INTENTS, 'banking77', 'test.csv')) };
}

export type ClincSplits = Record<'train' | 'test' | 'oos_train' | 'oos_test' | 'val' | 'oos_val', Array<[string, string]>>;

/** CLINC150's splits as the file holds them (in scope, and out of scope apart). */
export function clincSplits(): ClincSplits {
  return JSON.parse(readFileSync(join(INTENTS, 'clinc150', 'data_full.json'), 'utf8')) as ClincSplits;
}

const pairs = (rows: Array<[string, string]>): Labelled[] => rows.map(([text, label]) => ({ text, label }));

/** In-scope intents plus `oos` as a label: train + oos_train, test + oos_test. */
export function clinc150(): IntentDataset {
  const s = clincSplits();
  return { name: 'clinc150', train: pairs([...s.train, ...s.oos_train]), test: pairs([...s.test, ...s.oos_test]) };
}

/** CLINC150's 1,000 out-of-scope test queries (the novelty check against the Banking77 task). */
export function clincOosTest(): string[] {
  return clincSplits().oos_test.map(([text]) => text);
}
