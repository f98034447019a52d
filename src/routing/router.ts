/**
 * A router picks one model among those the policies allowed. It never sees a model a policy removed.
 * When its preferred model is not allowed, it says so and the planner takes the next allowed one.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { AnswerVerifier } from './answer-verifier.js';

export interface RouterDecision {
  /** The model the router wants; the planner checks it against the allowed set. */
  model: string;
  /** Short text for x-tandem-route-reason, e.g. `score 0.71 >= 0.50 -> large`. */
  reason: string;
  score: number | null;
  threshold: number | null;
  /**
   * Set by the cascade router: answer with `model` first, verify, escalate to `escalateTo` below the threshold.
   * `verifier` is the route's own (from `verifier_artifact`); without one the gateway's default verifier judges.
   */
  cascade?: { escalateTo: string; threshold: number; verifier?: AnswerVerifier };
}

export interface Router {
  readonly type: string;
  decide(request: ChatRequest, allowed: readonly ModelInfo[]): RouterDecision | Promise<RouterDecision>;
}
