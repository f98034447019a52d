/**
 * A policy narrows a route's candidate models and says why, model by model. Policies compose by
 * intersection (compose-policies.ts): a model stays a candidate only if every policy allows it.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';

export interface LatencyStats {
  /** The model's recent p90 time to first token, or undefined with too few observations. */
  ttftP90(model: string, minSamples: number): number | undefined;
}

export interface PolicyContext {
  /** Marked sensitive by the client (x-tandem-sensitive header or metadata.sensitive) or by a detector. */
  sensitive: boolean;
  /** Why it is sensitive, for explanations: e.g. `header x-tandem-sensitive`. */
  sensitiveBecause: string | null;
  /** A fast estimate of the prompt's tokens (errs high). */
  promptTokens: number;
  /** Time-to-first-token budget from the x-tandem-max-latency-ms header, if sent. */
  maxLatencyMs: number | undefined;
  latency: LatencyStats;
}

export interface PolicyVerdict {
  allowed: boolean;
  /** Short, human-readable: `cloud model, request is sensitive` */
  reason: string;
}

export interface Policy {
  readonly name: string;
  evaluate(request: ChatRequest, model: ModelInfo, ctx: PolicyContext): PolicyVerdict;
}

/** Output tokens a request may produce on a model: what it asked for, else the model's default allowance. */
export function requestedOutputTokens(request: ChatRequest, model: ModelInfo): number {
  return request.params.max_tokens ?? model.defaultMaxOutputTokens;
}
