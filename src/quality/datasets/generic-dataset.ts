/**
 * The generic labelled format, so users evaluate and train on their own traffic (docs/routing-quality.md):
 *
 * JSONL, one object per line:
 *   {"prompt": "...", "scores": {"small": 1, "large": 1},
 *    "responses": {"small": "...", "large": "..."},   // optional; the cascade needs the small one
 *    "costs": {"small": 0.0001, "large": 0.004}}       // optional, per prompt, any currency
 *
 * CSV with a header: `prompt`, `score:<model>` for each of two models, optional `response:<model>` and
 * `cost:<model>`.
 *
 * Scores are qualities in [0,1] (1 = correct / acceptable; map a judge's 1-10 as (s - 1) / 9).
 * Exactly two models, or name them with `weak` / `strong`; by default the weaker on average is `weak`.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseCsvRecords } from './parse-csv.js';
import type { LabelledDataset, LabelledExample } from './labelled-dataset.js';

interface RawRow {
  prompt: string;
  scores: Record<string, number>;
  responses: Record<string, string>;
  costs: Record<string, number>;
}

export interface GenericLoadOptions {
  weak?: string;
  strong?: string;
}

export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';
}

function numberIn(value: unknown, where: string, range01: boolean): number {
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new DatasetFormatError(`${where}: expected a number, got ${JSON.stringify(value)}`);
  if (range01 && (n < 0 || n > 1)) throw new DatasetFormatError(`${where}: scores must be in [0, 1], got ${n}`);
  return n;
}

function stringRecord(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new DatasetFormatError(`${where}: expected an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new DatasetFormatError(`${where}.${k}: expected a string`);
    out[k] = v;
  }
  return out;
}

function numberRecord(value: unknown, where: string, range01: boolean): Record<string, number> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new DatasetFormatError(`${where}: expected an object`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) out[k] = numberIn(v, `${where}.${k}`, range01);
  return out;
}

export function parseJsonlRows(text: string, source: string): RawRow[] {
  const rows: RawRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${source} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DatasetFormatError(`${where}: not valid JSON`);
    }
    if (typeof value !== 'object' || value === null) throw new DatasetFormatError(`${where}: expected an object`);
    const o = value as Record<string, unknown>;
    if (typeof o.prompt !== 'string') throw new DatasetFormatError(`${where}: "prompt" must be a string`);
    rows.push({
      prompt: o.prompt,
      scores: numberRecord(o.scores, `${where} scores`, true),
      responses: stringRecord(o.responses, `${where} responses`),
      costs: numberRecord(o.costs, `${where} costs`, false),
    });
  });
  return rows;
}

export function parseCsvRows(text: string, source: string): RawRow[] {
  return parseCsvRecords(text).map((record, i) => {
    const where = `${source} row ${i + 2}`;
    const prompt = record.prompt;
    if (prompt === undefined) throw new DatasetFormatError(`${source}: no "prompt" column`);
    const row: RawRow = { prompt, scores: {}, responses: {}, costs: {} };
    for (const [column, value] of Object.entries(record)) {
      const sep = column.indexOf(':');
      if (sep < 0) continue;
      const kind = column.slice(0, sep);
      const model = column.slice(sep + 1);
      if (value === '') continue;
      if (kind === 'score') row.scores[model] = numberIn(value === 'True' ? 1 : value === 'False' ? 0 : value, `${where} ${column}`, true);
      else if (kind === 'response') row.responses[model] = value;
      else if (kind === 'cost') row.costs[model] = numberIn(value, `${where} ${column}`, false);
    }
    return row;
  });
}

/** Builds a dataset from parsed rows, choosing the weak and strong model. */
export function datasetFromRows(rows: readonly RawRow[], name: string, options: GenericLoadOptions = {}): LabelledDataset {
  if (rows.length === 0) throw new DatasetFormatError(`${name}: no rows`);
  const totals = new Map<string, { sum: number; count: number }>();
  for (const row of rows) {
    for (const [model, score] of Object.entries(row.scores)) {
      const t = totals.get(model) ?? { sum: 0, count: 0 };
      t.sum += score;
      t.count++;
      totals.set(model, t);
    }
  }
  const models = [...totals.keys()];
  let weak = options.weak;
  let strong = options.strong;
  if (!weak || !strong) {
    if (models.length !== 2 && !(weak && strong)) {
      throw new DatasetFormatError(`${name}: found scores for ${models.length} models (${models.join(', ')}); name the pair with --weak and --strong`);
    }
    const byMean = [...models].sort((a, b) => {
      const ta = totals.get(a) as { sum: number; count: number };
      const tb = totals.get(b) as { sum: number; count: number };
      return ta.sum / ta.count - tb.sum / tb.count;
    });
    weak ??= byMean.find((m) => m !== strong) ?? '';
    strong ??= byMean.reverse().find((m) => m !== weak) ?? '';
  }
  for (const m of [weak, strong]) {
    if (!totals.has(m)) throw new DatasetFormatError(`${name}: no scores for model "${m}" (have: ${models.join(', ')})`);
  }
  const examples: LabelledExample[] = [];
  rows.forEach((row, i) => {
    const w = row.scores[weak];
    const s = row.scores[strong];
    if (w === undefined || s === undefined) {
      throw new DatasetFormatError(`${name} example ${i + 1}: needs scores for both "${weak}" and "${strong}"`);
    }
    const e: LabelledExample = { id: `${name}/${i}`, prompt: row.prompt, weak: w, strong: s };
    const wr = row.responses[weak];
    const sr = row.responses[strong];
    const wc = row.costs[weak];
    const sc = row.costs[strong];
    if (wr !== undefined) e.weakResponse = wr;
    if (sr !== undefined) e.strongResponse = sr;
    if (wc !== undefined) e.weakCost = wc;
    if (sc !== undefined) e.strongCost = sc;
    examples.push(e);
  });
  return { name, weakModel: weak, strongModel: strong, examples };
}

/** Loads a `.jsonl` / `.json` (JSON lines) or `.csv` file in the generic format. */
export async function loadGenericDataset(path: string, options: GenericLoadOptions = {}): Promise<LabelledDataset> {
  const text = await readFile(path, 'utf8');
  const ext = extname(path).toLowerCase();
  const name = basename(path, extname(path));
  if (ext === '.csv') return datasetFromRows(parseCsvRows(text, path), name, options);
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return datasetFromRows(parseJsonlRows(text, path), name, options);
  throw new DatasetFormatError(`${path}: unknown extension "${ext}"; use .jsonl or .csv`);
}
