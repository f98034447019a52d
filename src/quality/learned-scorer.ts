/**
 * The learned prompt router the gateway loads: features of the last user message -> a trained logistic
 * model -> a score in [0,1] (higher = the large model is more likely needed), plus the calibration that
 * turns "send 30% to the large model" into a threshold.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import { lastUserText, messageText } from '../spec/chat-request.js';
import type { Scorer } from '../routing/scorer.js';
import { thresholdForShare } from './calibration.js';
import { promptFeatureDimension } from './features/prompt-features.js';
import { promptMargin } from './features/prompt-margin.js';
import { promptView } from './features/prompt-view.js';
import { LinearRuntime } from './linear-scorer-runtime.js';
import { readScorerArtifact, type PromptRouterArtifact, type ScoreBlend } from './scorer-artifact.js';

export class LearnedScorer implements Scorer {
  readonly name: string;
  /** The threshold calibrated at training time (to `artifact.calibration.llmShare`). */
  readonly defaultThreshold: number;
  readonly artifact: PromptRouterArtifact;
  private readonly runtime: LinearRuntime;

  constructor(artifact: PromptRouterArtifact) {
    this.artifact = artifact;
    this.name = `learned:${artifact.name}`;
    this.defaultThreshold = artifact.calibration.threshold;
    this.runtime = new LinearRuntime(artifact.model, promptFeatureDimension(artifact.features));
  }

  score(request: ChatRequest): number {
    return this.scoreText(routingText(request));
  }

  /**
   * Scores a bare prompt (evaluation and benchmarks): the weights are added while the view is hashed
   * (prompt-margin.ts), the same sum the training-time feature vectors give.
   */
  scoreText(prompt: string): number {
    const p = this.runtime.probabilityOfMargin(promptMargin(promptView(prompt, this.artifact.features), this.artifact.features, this.runtime.table));
    const blend = this.artifact.blend;
    return blend ? blendedScore(blend, p, prompt.length) : p;
  }

  /** The threshold that sends about `llmShare` of the reference traffic to the large model. */
  thresholdFor(llmShare: number): number {
    return thresholdForShare(this.artifact.calibration.quantiles, llmShare);
  }
}

/** The blended score of an artifact with `blend` (scorer-artifact.ts): learned probability and prompt length. */
export function blendedScore(blend: ScoreBlend, probability: number, characters: number): number {
  const p = Math.min(1 - 1e-12, Math.max(1e-12, probability));
  const learned = (Math.log(p / (1 - p)) - blend.learned.mean) / blend.learned.sd;
  const length = (Math.log1p(characters) - blend.logLength.mean) / blend.logLength.sd;
  return 1 / (1 + Math.exp(-(blend.learned.weight * learned + blend.logLength.weight * length)));
}

/** The text a router judges: the last user message, or every message when there is none. */
export function routingText(request: Pick<ChatRequest, 'messages'>): string {
  const last = lastUserText(request);
  if (last) return last;
  return request.messages.map(messageText).join('\n');
}

/** Loads and validates a `tandem train-router` artifact; throws ScorerArtifactError for a bad file. */
export async function loadLearnedScorer(path: string): Promise<LearnedScorer> {
  return new LearnedScorer(await readScorerArtifact(path, 'prompt-router'));
}
