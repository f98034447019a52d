/** POST /v1/route: the routing decision for a chat request, without calling any model. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Gateway } from '../gateway/gateway.js';
import { planRoute } from '../routing/plan-route.js';
import { parseChatRequest } from './openai-chat/parse-chat-request.js';
import { policyContextFor } from '../gateway/policy-context.js';

export interface RouteExplanation {
  route: string | null;
  requested_model: string;
  sensitive: boolean;
  estimated_prompt_tokens: number;
  candidates: Array<{ model: string; locality: string; allowed: boolean; reasons: string[] }>;
  router: { type: string; reason: string; score: number | null; threshold: number | null; cascade: { escalate_to: string; threshold: number } | null };
  chosen: string;
  fallbacks: string[];
  reason: string;
  baseline_model: string;
  /** What the privacy policy found (types and counts, never values) and did; null when none applies. */
  privacy: { mode: string | null; action: string; findings: Record<string, number>; because: string | null } | null;
}

export async function explainRoute(gateway: Gateway, json: unknown, headers: IncomingHttpHeaders): Promise<RouteExplanation> {
  const request = parseChatRequest(json, gateway.config.server);
  const route = gateway.resolve(request.model);
  const ctx = policyContextFor(request, headers, gateway.latency);
  const plan = await planRoute(route, request, ctx);
  const locality = (name: string): string => gateway.models.get(name)?.locality ?? 'unknown';
  return {
    route: route.name,
    requested_model: request.model,
    sensitive: ctx.sensitive,
    estimated_prompt_tokens: ctx.promptTokens,
    candidates: plan.candidates.map((c) => ({ model: c.model, locality: locality(c.model), allowed: c.allowed, reasons: c.reasons })),
    router: {
      type: route.router.type,
      reason: plan.decision.reason,
      score: plan.decision.score,
      threshold: plan.decision.threshold,
      cascade: plan.decision.cascade ? { escalate_to: plan.decision.cascade.escalateTo, threshold: plan.decision.cascade.threshold } : null,
    },
    chosen: plan.order[0]?.name ?? '',
    fallbacks: plan.order.slice(1).map((m) => m.name),
    reason: plan.reason,
    baseline_model: route.baseline.name,
    privacy: plan.privacy
      ? { mode: plan.privacy.mode, action: plan.privacy.action, findings: { ...plan.privacy.counts }, because: plan.privacy.because }
      : null,
  };
}
