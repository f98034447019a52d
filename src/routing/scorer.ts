/**
 * Scoring and deciding are separate (RouteLLM's best idea): a Scorer says how much a request needs the
 * large model, as a number in [0,1]; a threshold turns that into a decision; calibration turns
 * "send 30% to the cloud" into that threshold.
 */
import type { ChatRequest } from '../spec/chat-request.js';

export interface Scorer {
  /** Shown in route explanations, e.g. `heuristic` or `learned:mmlu-v1`. */
  readonly name: string;
  /** Higher means the large model is more likely needed. Must return a finite number in [0,1]. */
  score(request: ChatRequest): number | Promise<number>;
}
