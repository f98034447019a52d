/**
 * The learned prompt router the gateway loads: features of the last user message -> a trained logistic
 * model -> a score in [0,1] (higher = the large model is more likely needed), plus the calibration that
 * turns "send 30% to the large model" into a threshold.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import { lastUserText, messageText } from '../spec/chat-request.js';
import type { Scorer } from '../routing/scorer.js';
import { thresholdForShare } from './calibration.js';
import { extractPromptFeatures, promptFeatureDimension } from './features/prompt-features.js';
import { promptView } from './features/prompt-view.js';
import { LinearRuntime } from './linear-scorer-runtime.js';
import { readScorerArtifact, type PromptRouterArtifact } from './scorer-artifact.js';

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

  /** Scores a bare prompt (evaluation and benchmarks). */
  scoreText(prompt: string): number {
    extractPromptFeatures(promptView(prompt, this.artifact.features), this.artifact.features, this.runtime.buffer);
    return this.runtime.probability();
  }

  /** The threshold that sends about `llmShare` of the reference traffic to the large model. */
  thresholdFor(llmShare: number): number {
    return thresholdForShare(this.artifact.calibration.quantiles, llmShare);
  }
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
