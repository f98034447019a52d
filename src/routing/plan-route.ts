/**
 * Plans a request on a route without calling any model: policies narrow the candidates, the router
 * picks, and the fallback order is fixed. The same plan backs the real call, `POST /v1/route` and
 * `tandem route --explain`.
 */
import { applyPolicies } from '../policy/compose-policies.js';
import type { PolicyContext } from '../policy/policy.js';
import { assessRoutePrivacy } from '../policy/privacy-policy.js';
import { privacyHeaders, type PrivacyAssessment } from '../privacy/assess-privacy.js';
import { GatewayError } from '../spec/errors.js';
import { routingAttributes } from '../telemetry/tracing/routing-attributes.js';
import { startChildSpan } from '../telemetry/tracing/tandem-tracer.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { CandidateVerdict } from '../spec/request-record.js';
import type { RouterDecision } from './router.js';
import type { RouteRuntime } from './route-runtime.js';

export interface RoutePlan {
  route: RouteRuntime;
  candidates: CandidateVerdict[];
  decision: RouterDecision;
  /** The models to try, in order: the chosen one first, then the fallbacks the policies allow. */
  order: ModelInfo[];
  /** Short reason for x-tandem-route-reason. */
  reason: string;
  /** What the route's privacy policy found and decided; undefined when none applies. */
  privacy?: PrivacyAssessment | undefined;
}

export async function planRoute(route: RouteRuntime, request: ChatRequest, ctx: PolicyContext): Promise<RoutePlan> {
  const privacy = assessRoutePrivacy(route.policies, request, ctx);
  const target = route.name ? `route "${route.name}"` : `model "${route.models[0]?.name ?? ''}"`;
  if (privacy?.action === 'blocked') {
    throw new GatewayError({
      status: 400,
      code: 'privacy_blocked',
      message: `The privacy policy of ${target} blocks requests with personal data or secrets: ${privacy.because}.`,
      headers: privacyHeaders(privacy),
    });
  }
  const policySpan = startChildSpan('tandem.policies');
  const { allowed, verdicts } = applyPolicies({ policies: route.policies, request, candidates: route.models, ctx });
  policySpan?.setAttributes({ 'tandem.candidates.allowed': allowed.map((m) => m.name), 'tandem.candidates.refused': verdicts.filter((v) => !v.allowed).map((v) => v.model) }).end();
  if (allowed.length === 0) {
    const why = verdicts.map((v) => `${v.model}: ${v.refusals.join('; ')}`).join(' | ');
    if (privacy?.localOnly) {
      throw new GatewayError({
        status: 400,
        code: 'privacy_no_local_model',
        message: `This request may only reach local models (${privacy.because}), and no local model on ${target} can take it; it was not sent anywhere. ${why}`,
        headers: privacyHeaders(privacy),
      });
    }
    throw new GatewayError({ status: 400, code: 'no_eligible_model', message: `No model on ${target} may take this request. ${why}` });
  }
  const routingSpan = startChildSpan('tandem.routing');
  routingSpan?.setAttribute('tandem.router.type', route.router.type);
  const decision = await route.router.decide(request, allowed);
  let chosen = allowed.find((m) => m.name === decision.model);
  let reason = decision.reason;
  if (!chosen) {
    chosen = allowed[0] as ModelInfo;
    const refusal = verdicts.find((v) => v.model === decision.model)?.refusals[0] ?? 'not allowed';
    reason = `${decision.reason}; refused (${refusal}) -> ${chosen.name}`;
    // A cascade whose first model was refused is no longer a cascade.
    delete decision.cascade;
  }
  const order = [chosen, ...fallbackOrder(route, allowed, chosen)];
  routingSpan?.setAttributes(routingAttributes({ decision, reason, order })).end();
  return { route, candidates: verdicts, decision, order, reason, privacy };
}

function fallbackOrder(route: RouteRuntime, allowed: readonly ModelInfo[], chosen: ModelInfo): ModelInfo[] {
  if (route.fallbacks === undefined) return allowed.filter((m) => m !== chosen);
  const out: ModelInfo[] = [];
  for (const name of route.fallbacks) {
    const model = allowed.find((m) => m.name === name);
    if (model && model !== chosen && !out.includes(model)) out.push(model);
  }
  return out;
}
