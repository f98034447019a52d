/**
 * `tandem train-router`: trains a prompt router (or, with --kind verifier, a cascade verifier) in-process
 * from a labelled dataset and writes the versioned artifact the gateway loads
 * (`router: {type: learned, artifact: scorer.json}`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { trainVerifierArtifact } from '../quality/cascade-verifier.js';
import { DEFAULT_ROUTELLM_DIR, loadEvalDataset } from '../quality/datasets/load-eval-dataset.js';
import { shuffledIndices } from '../quality/model/fit-with-inner-cv.js';
import { writeScorerArtifact, type ScorerArtifact } from '../quality/scorer-artifact.js';
import { trainRouterArtifact } from '../quality/train-learned-scorer.js';
import type { LabelledExample } from '../quality/datasets/labelled-dataset.js';
import { parseTimeBound } from './stats-command.js';

export interface TrainRouterCommandOptions {
  /** Required unless fromLog. */
  dataset?: string;
  /** Train from the request log's feedback and shadow pairs of `route` (docs/lifecycle.md#routers-learn-from-the-log). */
  fromLog?: boolean;
  route?: string;
  config?: string;
  since?: number;
  dataDir?: string;
  out: string;
  kind: 'router' | 'verifier';
  llmShare: number;
  maxTrain: number;
  weak?: string;
  strong?: string;
  seed: number;
  name?: string;
  /** Share of the training prompts kept out of the fit to calibrate `--llm-share` on (router only). */
  calibrationHoldout?: number;
  /** Also register the artifact in the model registry under this route (cli/register-scorer.ts). */
  register?: string;
  /** With `register`: make it live at once. */
  live?: boolean;
}

export interface TrainRouterIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: TrainRouterIo = {
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.3.');
  return n;
}

function holdoutShare(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('expected a share from 0 up to (not including) 1, e.g. 0.25.');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

export function registerTrainRouterCommand(program: Command, io: TrainRouterIo = defaultIo): void {
  program
    .command('train-router')
    .description('train a learned router (or cascade verifier) from labelled prompts and write its artifact')
    .option('--dataset <name|file>', 'routellm-mmlu, routellm-gsm8k, or a .jsonl/.csv file in the generic format (or --from-log)')
    .option('--from-log', "train from the request log: feedback and shadow pairs of --route's requests")
    .option('--route <name>', 'with --from-log: the route whose log to train from (its small and large models)')
    .option('-c, --config <file>', 'with --from-log: the config whose store to read', 'tandem.yaml')
    .option('--since <when>', 'with --from-log: only feedback since a duration back (7d) or an ISO date', (v) => parseTimeBound(v))
    .requiredOption('--out <file>', 'artifact to write, e.g. scorer.json')
    .option('--data-dir <dir>', "where RouteLLM's data lives", DEFAULT_ROUTELLM_DIR)
    .option('--kind <kind>', "router (scores prompts) or verifier (scores the small model's answers, for a cascade)", 'router')
    .option('--llm-share <share>', 'share of traffic the default threshold sends to the large model', share, 0.5)
    .option('--max-train <n>', 'train on at most this many prompts (a seeded random sample)', positiveInt, 1500)
    .option('--weak <model>', "the small model's name in a generic dataset")
    .option('--strong <model>', "the large model's name in a generic dataset")
    .option('--name <name>', "name shown in route explanations (default: the dataset's)")
    .option('--seed <n>', 'seed of the training sample', positiveInt, 1)
    .option(
      '--calibration-holdout <share>',
      'share of the training prompts kept out of the fit, whose scores calibrate --llm-share (0 = fit on all and calibrate on rank-mapped inner-CV scores)',
      holdoutShare,
      0,
    )
    .option('--register <route>', "also register the artifact in the model registry of --config's store, under this route (a candidate)")
    .option('--live', 'with --register: make it live at once (running gateways switch within seconds)')
    .action(async (options: TrainRouterCommandOptions) => {
      try {
        await runTrainRouterCommand(options, io);
      } catch (error) {
        io.stderr(`tandem train-router: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
    });
}

export async function runTrainRouterCommand(options: TrainRouterCommandOptions, io: TrainRouterIo = defaultIo): Promise<ScorerArtifact> {
  if (options.kind !== 'router' && options.kind !== 'verifier') {
    throw new Error(`--kind must be router or verifier, got "${options.kind}"`);
  }
  if (options.fromLog && options.route === undefined) throw new Error('--from-log needs --route <name>');
  if (!options.fromLog && options.dataset === undefined) throw new Error('give --dataset <name|file>, or --from-log --route <name>');
  const dataset = options.fromLog
    ? await (await import('./router-training-from-log-dataset.js')).loadLogDataset(
        { config: options.config ?? 'tandem.yaml', route: options.route as string, ...(options.since !== undefined ? { since: options.since } : {}) },
        io.stdout,
      )
    : await loadEvalDataset(options.dataset as string, {
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.weak ? { weak: options.weak } : {}),
        ...(options.strong ? { strong: options.strong } : {}),
      });
  const order = shuffledIndices(dataset.examples.length, options.seed);
  const examples = order.slice(0, options.maxTrain).map((i) => dataset.examples[i] as LabelledExample);
  const common = {
    examples,
    name: options.name ?? dataset.name,
    dataset: dataset.name,
    weakModel: dataset.weakModel,
    strongModel: dataset.strongModel,
  };
  const artifact: ScorerArtifact =
    options.kind === 'router'
      ? trainRouterArtifact({
          ...common,
          llmShare: options.llmShare,
          ...(options.calibrationHoldout !== undefined ? { calibrationHoldout: options.calibrationHoldout } : {}),
        })
      : trainVerifierArtifact({ ...common, escalateShare: options.llmShare });
  await writeScorerArtifact(options.out, artifact);
  const t = artifact.training;
  io.stdout(
    [
      `trained a ${artifact.kind} on ${examples.length} of ${dataset.examples.length} prompts of ${dataset.name} in ${(t.trainMs / 1000).toFixed(2)}s` +
        (t.examples < examples.length ? ` (${t.examples} fitted, ${examples.length - t.examples} held out to calibrate)` : ''),
      `  inner-CV APGR by l2: ${t.innerValidation.map((v) => `${v.l2}: ${v.apgr.toFixed(3)}`).join(', ')} -> l2 = ${t.l2}`,
      `  ${artifact.model.indices.length} weights; threshold ${artifact.calibration.threshold.toFixed(4)} sends ~${(100 * artifact.calibration.llmShare).toFixed(0)}% to the large model`,
      `  calibrated on the ${artifact.calibration.reference}`,
      `wrote ${options.out}`,
    ].join('\n'),
  );
  if (options.register !== undefined) {
    const { registerScorerArtifact } = await import('./register-scorer.js');
    const entry = await registerScorerArtifact({
      config: options.config ?? 'tandem.yaml',
      route: options.register,
      file: options.out,
      artifact,
      live: options.live === true,
      actor: 'tandem train-router',
    });
    io.stdout(`registered ${entry.kind}/${entry.name} v${entry.version} (${entry.status}, sha256 ${entry.sha256.slice(0, 12)})`);
  }
  return artifact;
}
