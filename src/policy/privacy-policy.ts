/**
 * The privacy policy: personal data and secrets found in a request (or the client's own "sensitive"
 * marking) decide which models may see it. The assessment is made once per request and memoised, so the
 * policy's per-model verdicts, the plan and the request log all read the same findings.
 */
import { assessPrivacy, formatCounts, type PrivacyAssessment, type PrivacySettings } from '../privacy/assess-privacy.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Policy, PolicyContext } from './policy.js';

export interface PrivacyPolicy extends Policy {
  readonly name: 'privacy';
  /** Undefined when detection is off and the client did not mark the request sensitive. */
  assess(request: ChatRequest, ctx: PolicyContext): PrivacyAssessment | undefined;
}

/** Without settings only the client's marking counts (a model named directly: its implicit route). */
export function privacyPolicy(settings?: PrivacySettings): PrivacyPolicy {
  const assessed = new WeakMap<ChatRequest, { value: PrivacyAssessment | undefined }>();
  const assess = (request: ChatRequest, ctx: PolicyContext): PrivacyAssessment | undefined => {
    let memo = assessed.get(request);
    if (!memo) {
      memo = { value: assessPrivacy({ request, settings, markedBecause: ctx.sensitive ? ctx.sensitiveBecause ?? 'marked sensitive' : null }) };
      assessed.set(request, memo);
    }
    return memo.value;
  };
  return {
    name: 'privacy',
    assess,
    evaluate(request, model, ctx) {
      const a = assess(request, ctx);
      if (!a || a.action === 'none') return { allowed: true, reason: a ? 'no personal data found' : 'request not sensitive' };
      const local = model.locality === 'local';
      switch (a.action) {
        case 'blocked':
          return { allowed: false, reason: `blocked, ${a.because}` };
        case 'local-only':
          return local
            ? { allowed: true, reason: `local model, sensitive (${a.because})` }
            : { allowed: false, reason: `cloud model, request is sensitive (${a.because})` };
        case 'pseudonymised':
          return { allowed: true, reason: local ? `local model sees the original (${a.because})` : `cloud model sees placeholders for ${formatCounts(a.counts)}` };
        case 'detected':
          return { allowed: true, reason: `${a.because} (detect only)` };
      }
    },
  };
}

/** The route's privacy assessment for this request, made at most once; undefined when nothing applies. */
export function assessRoutePrivacy(policies: readonly Policy[], request: ChatRequest, ctx: PolicyContext): PrivacyAssessment | undefined {
  const policy = policies.find(isPrivacyPolicy);
  return policy?.assess(request, ctx);
}

function isPrivacyPolicy(policy: Policy): policy is PrivacyPolicy {
  return policy.name === 'privacy' && 'assess' in policy;
}
