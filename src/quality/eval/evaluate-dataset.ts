/**
 * One evaluation of a labelled dataset, shared by `tandem eval` and `npm run bench:routing` so the two can
 * never disagree: run the protocol, attach the published RouteLLM figures, write the JSON and HTML reports.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LabelledDataset } from '../datasets/labelled-dataset.js';
import { renderHtmlReport, type EvalReport } from './eval-report.js';
import { runProtocol, type ProtocolOptions } from './evaluation-protocol.js';
import { PUBLISHED_ROUTELLM } from './published-results.js';

export interface EvaluateDatasetOptions extends Omit<ProtocolOptions, 'examples'> {
  dataset: LabelledDataset;
  /** Directory for `eval-<dataset>.json` and `eval-<dataset>.html`. */
  outDir: string;
}

export interface EvaluateDatasetResult {
  report: EvalReport;
  jsonPath: string;
  htmlPath: string;
}

export async function evaluateDataset(options: EvaluateDatasetOptions): Promise<EvaluateDatasetResult> {
  const { dataset, outDir, ...protocol } = options;
  const result = runProtocol({ ...protocol, examples: dataset.examples });
  const published = PUBLISHED_ROUTELLM[dataset.name];
  const report: EvalReport = {
    dataset: dataset.name,
    n: dataset.examples.length,
    weakModel: dataset.weakModel,
    strongModel: dataset.strongModel,
    createdAt: new Date().toISOString(),
    ...result,
    ...(published ? { published } : {}),
  };
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const base = join(dir, `eval-${dataset.name}`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  await writeFile(`${base}.html`, renderHtmlReport(report), 'utf8');
  return { report, jsonPath: `${base}.json`, htmlPath: `${base}.html` };
}
