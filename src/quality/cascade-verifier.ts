/**
 * The cascade verifier: the small model answers first and this scores the ANSWER, P(acceptable) in [0,1],
 * from features of the response (length, format, a final answer, hedging, self-correction, arithmetic
 * that does not add up, unused question numbers, token log-probabilities when given), optionally with the
 * prompt's features. Below the threshold the gateway escalates to the large model.
 *
 * Without an artifact a built-in, hand-weighted verifier over the response statistics is used; with one
 * (`tandem train-router --kind verifier`) the weights were learned from data with responses.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import { referenceQuantiles, thresholdForShare } from './calibration.js';
import type { LabelledExample } from './datasets/labelled-dataset.js';
import { FeatureBuffer, type SparseFeatures } from './features/feature-hasher.js';
import { extractPromptFeatures, type FeatureLayout, type PromptFeatureOptions } from './features/prompt-features.js';
import { PROMPT_STAT_COUNT } from './features/prompt-statistics.js';
import { RESPONSE_STAT_COUNT, RESPONSE_STAT_NAMES, responseStatistics } from './features/response-statistics.js';
import { LinearRuntime } from './linear-scorer-runtime.js';
import { fitWithInnerCv } from './model/fit-with-inner-cv.js';
import { routingText } from './learned-scorer.js';
import { readScorerArtifact, SCORER_FORMAT, SCORER_VERSION, type VerifierArtifact } from './scorer-artifact.js';

export interface VerifierInput {
  request: ChatRequest;
  answer: string;
  logprobs?: number[];
}

export interface CascadeVerifier {
  readonly name: string;
  /** Accept the small model's answer when score >= this (the artifact's calibrated default, else 0.5). */
  readonly defaultThreshold: number;
  /** P(the answer is acceptable) in [0,1]. */
  score(input: VerifierInput): number;
  /** Scores a bare prompt + answer (evaluation). */
  scoreAnswer(input: { prompt: string; answer: string; logprobs?: readonly number[] }): number;
  /** The acceptance threshold that escalates about `escalateShare` of the reference answers. */
  thresholdFor(escalateShare: number): number;
}

const RESPONSE_SALT = 0x2545f491;
const PROMPT_SALT = 0x6a09e667;
const HASH_OFFSET = RESPONSE_STAT_COUNT + PROMPT_STAT_COUNT;
const RESPONSE_LAYOUT: FeatureLayout = { statsOffset: -1, hashOffset: HASH_OFFSET, salt: RESPONSE_SALT };
const PROMPT_IN_VERIFIER: FeatureLayout = { statsOffset: RESPONSE_STAT_COUNT, hashOffset: HASH_OFFSET, salt: PROMPT_SALT };

export const DEFAULT_VERIFIER_FEATURES: PromptFeatureOptions = {
  bits: 18,
  wordNgrams: 2,
  charNgrams: [0, 0],
  wordWeight: 0.5,
  charWeight: 0,
  statsWeight: 1,
};

/** Writes the verifier's features of one answer into `out`. */
export function extractVerifierFeatures(
  input: { prompt: string; answer: string; logprobs?: readonly number[] },
  options: { features: PromptFeatureOptions; usePromptFeatures: boolean },
  out: FeatureBuffer,
): void {
  responseStatistics(input, out, 0, options.features.statsWeight);
  if (options.features.wordWeight > 0) {
    // The answer's own n-grams (no statistics: those are the response statistics above).
    extractPromptFeatures(input.answer, { ...options.features, statsWeight: 0 }, out, RESPONSE_LAYOUT);
  }
  if (options.usePromptFeatures) extractPromptFeatures(input.prompt, options.features, out, PROMPT_IN_VERIFIER);
}

/** Hand-set weights for the built-in verifier, by response statistic (why: each is a failure sign). */
const BUILT_IN_WEIGHTS: Partial<Record<(typeof RESPONSE_STAT_NAMES)[number], number>> = {
  bias: 1,
  final_marker: 0.5,
  answer_phrase: 0.3,
  no_final_answer: -1.5,
  truncated: -2,
  final_differs_from_last_number: -0.7,
  multiple_final_answers: -1,
  hedging: -0.8,
  self_correction: -0.6,
  apology_or_refusal: -1.5,
  rounding: -0.8,
  equation_error_ratio: -3,
  prompt_numbers_unused: -0.8,
  repeated_lines: -0.5,
  logprob_mean: 2,
  logprob_low_share: -2,
};

function builtInArtifact(): VerifierArtifact {
  const indices: number[] = [];
  const weights: number[] = [];
  RESPONSE_STAT_NAMES.forEach((name, i) => {
    const w = BUILT_IN_WEIGHTS[name];
    if (w !== undefined && name !== 'bias') {
      indices.push(i);
      weights.push(w);
    }
  });
  return {
    format: SCORER_FORMAT,
    version: SCORER_VERSION,
    kind: 'cascade-verifier',
    name: 'built-in',
    createdAt: '2025-01-01T00:00:00.000Z',
    usePromptFeatures: false,
    features: { ...DEFAULT_VERIFIER_FEATURES, wordWeight: 0 },
    model: { type: 'logistic', intercept: BUILT_IN_WEIGHTS.bias ?? 0, indices, weights },
    calibration: { quantiles: [0, 1], llmShare: 0.5, threshold: 0.5, referenceSize: 0, reference: 'none (built-in)' },
    training: {
      dataset: 'none',
      examples: 0,
      weakModel: 'small',
      strongModel: 'large',
      l2: 0,
      target: 'weak-acceptable',
      trainMs: 0,
      innerValidation: [],
    },
  };
}

class LinearCascadeVerifier implements CascadeVerifier {
  readonly name: string;
  readonly defaultThreshold: number;
  private readonly runtime: LinearRuntime;

  constructor(private readonly artifact: VerifierArtifact) {
    this.name = `verifier:${artifact.name}`;
    this.defaultThreshold = artifact.calibration.threshold;
    this.runtime = new LinearRuntime(artifact.model, HASH_OFFSET + 2 ** artifact.features.bits);
  }

  score(input: VerifierInput): number {
    const logprobs = input.logprobs;
    return this.scoreAnswer({ prompt: routingText(input.request), answer: input.answer, ...(logprobs ? { logprobs } : {}) });
  }

  scoreAnswer(input: { prompt: string; answer: string; logprobs?: readonly number[] }): number {
    extractVerifierFeatures(input, this.artifact, this.runtime.buffer);
    return this.runtime.probability();
  }

  thresholdFor(escalateShare: number): number {
    // Escalate when P(accept) < t: t is the escalateShare quantile of the reference acceptances.
    return thresholdForShare(this.artifact.calibration.quantiles, 1 - escalateShare);
  }
}

/** The verifier of an artifact file, or the built-in one when no path is given. */
export async function createCascadeVerifier(artifactPath?: string): Promise<CascadeVerifier> {
  if (!artifactPath) return new LinearCascadeVerifier(builtInArtifact());
  return new LinearCascadeVerifier(await readScorerArtifact(artifactPath, 'cascade-verifier'));
}

/** A verifier from an in-memory artifact (tests, evaluation right after training). */
export function verifierFromArtifact(artifact: VerifierArtifact): CascadeVerifier {
  return new LinearCascadeVerifier(artifact);
}

export interface TrainVerifierOptions {
  /** Examples with `weakResponse` (the small model's answer) and its quality in `weak`. */
  examples: readonly LabelledExample[];
  name?: string;
  dataset?: string;
  weakModel?: string;
  strongModel?: string;
  /** Share of answers the default threshold escalates (default 0.5). */
  escalateShare?: number;
  usePromptFeatures?: boolean;
  features?: Partial<PromptFeatureOptions>;
  l2Grid?: readonly number[];
  innerFolds?: number;
  seed?: number;
}

export function verifierFeaturesOf(
  examples: readonly LabelledExample[],
  options: { features: PromptFeatureOptions; usePromptFeatures: boolean },
): SparseFeatures[] {
  const buffer = new FeatureBuffer();
  return examples.map((e) => {
    buffer.clear();
    extractVerifierFeatures({ prompt: e.prompt, answer: e.weakResponse ?? '' }, options, buffer);
    return buffer.snapshot();
  });
}

/** Trains a verifier on P(small answer acceptable), L2 chosen by inner-CV cascade APGR. */
export function trainVerifierArtifact(options: TrainVerifierOptions): VerifierArtifact {
  const started = performance.now();
  const { examples } = options;
  if (examples.some((e) => e.weakResponse === undefined)) {
    throw new Error("training a cascade verifier needs the small model's response for every prompt");
  }
  const features = { ...DEFAULT_VERIFIER_FEATURES, ...options.features };
  const usePromptFeatures = options.usePromptFeatures ?? true;
  const xs = verifierFeaturesOf(examples, { features, usePromptFeatures });
  const fit = fitWithInnerCv({
    features: xs,
    targets: examples.map((e) => e.weak),
    examples,
    l2Grid: options.l2Grid ?? [0.003, 0.01, 0.03],
    folds: options.innerFolds ?? 3,
    seed: options.seed ?? 17,
    toRoutingScore: (p) => 1 - p,
    mode: 'cascade',
  });
  const quantiles = referenceQuantiles(fit.outOfFold);
  const escalateShare = options.escalateShare ?? 0.5;
  const indices = [...fit.model.weights.keys()].sort((a, b) => a - b);
  return {
    format: SCORER_FORMAT,
    version: SCORER_VERSION,
    kind: 'cascade-verifier',
    name: options.name ?? options.dataset ?? 'custom',
    createdAt: new Date().toISOString(),
    usePromptFeatures,
    features,
    model: { type: 'logistic', intercept: fit.model.intercept, indices, weights: indices.map((i) => fit.model.weights.get(i) as number) },
    calibration: {
      quantiles,
      llmShare: escalateShare,
      threshold: thresholdForShare(quantiles, 1 - escalateShare),
      referenceSize: examples.length,
      reference: 'out-of-fold acceptance scores of the training answers',
    },
    training: {
      dataset: options.dataset ?? 'custom',
      examples: examples.length,
      weakModel: options.weakModel ?? 'weak',
      strongModel: options.strongModel ?? 'strong',
      l2: fit.l2,
      target: 'weak-acceptable',
      trainMs: performance.now() - started,
      innerValidation: fit.innerValidation,
    },
  };
}
