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
import type { ChatRequest } from '../spec/chat-request.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { CandidateVerdict } from '../spec/request-record.js';
import type { RouterDecision } from './router.js';
import type { RouteRuntime } from './route-runtime.js';
import { routingTrace } from './routing-trace.js';

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
  const trace = routingTrace();
  const policyStage = trace?.policies();
  const { allowed, verdicts } = applyPolicies({ policies: route.policies, request, candidates: route.models, ctx });
  policyStage?.end({ allowed, refused: verdicts.filter((v) => !v.allowed).map((v) => v.model) });
  if (allowed.length === 0) {
    const why = verdicts.map((v) => `${v.model}: ${v.refusals.join('; ')}`).join(' | ');
    if (privacy?.localOnly) {
      throw new GatewayError({
        status: 400,
        code: 'privacy_no_local_model',
        message: `This request may only reach local models (${privacy.because}), ${noLocalModel(route)}; it was not sent anywhere. ${why}`,
        headers: privacyHeaders(privacy),
      });
    }
    const none = route.name ? `No model on route "${route.name}" may take this request.` : `Model "${route.models[0]?.name ?? ''}" may not take this request.`;
    throw new GatewayError({ status: 400, code: 'no_eligible_model', message: `${none} ${why}` });
  }
  const routingStage = trace?.routing(route.router.type);
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
  routingStage?.end({ decision, reason, order });
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

/** Why a local-only request found nowhere to go, worded for a route or a model named directly. */
function noLocalModel(route: RouteRuntime): string {
  if (route.name) return `and none of the models of route "${route.name}" that are local can take it`;
  const model = route.models[0];
  if (model?.locality === 'cloud') return `but it names model "${model.name}", a cloud model (name a local model or a route instead)`;
  return `and model "${model?.name ?? ''}" cannot take it`;
}
