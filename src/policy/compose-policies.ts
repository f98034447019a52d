/**
 * Runs every policy over every candidate and intersects: a model is allowed when all policies allow it.
 * Every verdict is kept (not only the first refusal) so an explanation shows the whole picture.
 */
import type { PolicyConfig } from '../config/schema.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { CandidateVerdict } from '../spec/request-record.js';
import { budgetPolicy } from './budget-policy.js';
import { capabilityPolicy } from './capability-policy.js';
import { contextFitPolicy } from './context-fit-policy.js';
import { latencyPolicy } from './latency-policy.js';
import type { Policy, PolicyContext } from './policy.js';
import { privacyPolicy } from './privacy-policy.js';

export function createPolicy(config: PolicyConfig): Policy {
  switch (config.type) {
    case 'privacy':
      return privacyPolicy({
        mode: config.mode,
        threshold: config.threshold,
        types: config.types,
        cueGuard: config.cue_guard === 'on',
        userKey: config.user_key,
      });
    case 'context-fit':
      return contextFitPolicy({ safetyMargin: config.safety_margin });
    case 'capability':
      return capabilityPolicy();
    case 'budget':
      return budgetPolicy({ maxCostPerRequest: config.max_cost_per_request });
    case 'latency':
      return latencyPolicy({ maxTtftMs: config.max_ttft_ms, minSamples: config.min_samples });
  }
}

export interface PolicyOutcome {
  allowed: ModelInfo[];
  verdicts: CandidateVerdict[];
}

export function applyPolicies(options: {
  policies: readonly Policy[];
  request: ChatRequest;
  candidates: readonly ModelInfo[];
  ctx: PolicyContext;
}): PolicyOutcome {
  const allowed: ModelInfo[] = [];
  const verdicts: CandidateVerdict[] = [];
  for (const model of options.candidates) {
    const reasons: string[] = [];
    const refusals: string[] = [];
    for (const policy of options.policies) {
      const verdict = policy.evaluate(options.request, model, options.ctx);
      const line = `${policy.name}: ${verdict.reason}`;
      reasons.push(line);
      if (!verdict.allowed) refusals.push(line);
    }
    if (refusals.length === 0) allowed.push(model);
    verdicts.push({ model: model.name, allowed: refusals.length === 0, reasons, refusals });
  }
  return { allowed, verdicts };
}
