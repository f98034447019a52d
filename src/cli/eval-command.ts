/**
 * `tandem eval`: replays a labelled dataset through routers and reports RouteLLM's metrics (CPT(20/50/80%),
 * APGR) beside a random router and the oracle, as a console table, a JSON file and an HTML report.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadEvalDataset, DEFAULT_ROUTELLM_DIR } from '../quality/datasets/load-eval-dataset.js';
import { priceCostModel } from '../quality/eval/cost-model.js';
import { formatReportTable, type EvalReport } from '../quality/eval/eval-report.js';
import { evalRouter, EVAL_ROUTER_NAMES } from '../quality/eval/eval-routers.js';
import { evaluateDataset } from '../quality/eval/evaluate-dataset.js';
import { progressLine, type ProgressStream } from '../quality/eval/progress-line.js';
import { promptHash } from '../quality/scorer-artifact.js';

export interface EvalCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Where the progress bar goes (default: process.stderr). */
  progress?: ProgressStream;
}

const defaultIo: EvalCommandIo = {
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

export interface EvalCommandOptions {
  dataset: string;
  dataDir?: string;
  router: string[];
  artifact?: string;
  out: string;
  protocol: 'auto' | 'splits' | 'cv';
  repeats: number;
  maxTrain: number;
  weak?: string;
  strong?: string;
  weakPrice?: number;
  strongPrice?: number;
  seed: number;
  /** Progress bar on stderr; default: only when stderr is a terminal. */
  progress?: boolean;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

function collectRouters(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function registerEvalCommand(program: Command, io: EvalCommandIo = defaultIo): void {
  program
    .command('eval')
    .description("score routers on a labelled dataset with RouteLLM's metrics (CPT, APGR), beside random and oracle")
    .requiredOption('--dataset <name|file>', 'routellm-mmlu, routellm-gsm8k, or a .jsonl/.csv file in the generic format')
    .option('--data-dir <dir>', "where RouteLLM's data lives", DEFAULT_ROUTELLM_DIR)
    .option('--router <names>', `routers to evaluate, comma-separated or repeated: ${EVAL_ROUTER_NAMES.join(', ')}`, collectRouters)
    .option('--artifact <file>', 'evaluate this trained artifact as is (no retraining; every prompt is scored)')
    .option('--out <dir>', 'directory for the JSON and HTML reports', 'tandem-eval')
    .option('--protocol <kind>', 'auto (splits for > 3,000 prompts, else 5-fold CV), splits or cv', 'auto')
    .option('--repeats <n>', 'random splits / CV repetitions', positiveInt, 5)
    .option('--max-train <n>', 'most prompts a router may train on', positiveInt, 1500)
    .option('--weak <model>', "the small model's name in a generic dataset")
    .option('--strong <model>', "the large model's name in a generic dataset")
    .option('--weak-price <usd>', 'small model price per 1M tokens, when the dataset has no costs', positiveNumber)
    .option('--strong-price <usd>', 'large model price per 1M tokens, when the dataset has no costs', positiveNumber)
    .option('--seed <n>', 'seed of the splits', positiveInt, 1)
    .option('--progress', 'progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .action(async (options: Omit<EvalCommandOptions, 'router'> & { router?: string[] }) => {
      try {
        await runEvalCommand({ ...options, router: options.router ?? ['learned'] }, io);
      } catch (error) {
        io.stderr(`tandem eval: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
    });
}

/** Runs the evaluation and writes the reports; returns the report (tests read it). */
export async function runEvalCommand(options: EvalCommandOptions, io: EvalCommandIo = defaultIo): Promise<EvalReport> {
  if (!['auto', 'splits', 'cv'].includes(options.protocol)) {
    throw new Error(`--protocol must be auto, splits or cv, got "${options.protocol}"`);
  }
  const dataset = await loadEvalDataset(options.dataset, {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.weak ? { weak: options.weak } : {}),
    ...(options.strong ? { strong: options.strong } : {}),
  });
  const routers = await Promise.all(
    options.router.map((name) => evalRouter(name, { dataset: dataset.name, ...(options.artifact ? { artifact: options.artifact } : {}) })),
  );
  for (const router of routers) {
    // By content when the artifact lists its prompts' hashes (a renamed or merged file is still caught);
    // by dataset name only for artifacts written before the hashes.
    const seen = router.trainedPrompts
      ? dataset.examples.filter((e) => router.trainedPrompts?.has(promptHash(e.prompt))).length
      : router.trainedOn === dataset.name
        ? dataset.examples.length
        : 0;
    if (seen > 0) {
      const what = router.trainedPrompts
        ? `${seen} of the ${dataset.examples.length} prompts of ${dataset.name} (${((100 * seen) / dataset.examples.length).toFixed(1)}%, matched by content)`
        : `prompts of ${dataset.name}`;
      io.stderr(
        `warning: ${router.name} was trained on ${what}, and those are scored too, so these figures are optimistic; ` +
          'run eval without --artifact for an out-of-sample estimate, or evaluate the artifact on newly labelled traffic',
      );
    }
  }
  const kind = options.artifact ? 'all' : options.protocol === 'auto' ? (dataset.examples.length > 2 * options.maxTrain ? 'splits' : 'cv') : options.protocol;
  // A progress bar only where someone watches it (a terminal), unless asked for with --progress.
  const progressStream = io.progress ?? process.stderr;
  const showProgress = options.progress ?? progressStream.isTTY === true;
  const { report, jsonPath, htmlPath } = await evaluateDataset({
    dataset,
    routers,
    kind,
    repeats: options.repeats,
    maxTrain: options.maxTrain,
    seed: options.seed,
    costs: priceCostModel({
      ...(options.weakPrice !== undefined ? { weakPerMillion: options.weakPrice } : {}),
      ...(options.strongPrice !== undefined ? { strongPerMillion: options.strongPrice } : {}),
    }),
    outDir: options.out,
    ...(showProgress ? { onProgress: progressLine(progressStream) } : {}),
  });
  io.stdout(formatReportTable(report));
  io.stdout(`wrote ${jsonPath} and ${htmlPath}`);
  return report;
}
