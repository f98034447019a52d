/**
 * The privacy policy: personal data and secrets found in a request (or the client's own "sensitive"
 * marking) decide which models may see it. The assessment is made once per request and memoised, so the
 * policy's per-model verdicts, the plan and the request log all read the same findings.
 */
import { warmDetectionPool } from '../privacy/detect-pii-pool.js';
import { assessPrivacy, assessPrivacyAsync, formatCounts, type PrivacyAssessment, type PrivacySettings } from '../privacy/assess-privacy.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Policy, PolicyContext } from './policy.js';

export interface PrivacyPolicy extends Policy {
  readonly name: 'privacy';
  /** Undefined when detection is off and the client did not mark the request sensitive. */
  assess(request: ChatRequest, ctx: PolicyContext): PrivacyAssessment | undefined;
  /**
   * The same assessment, a large request's detection run off the event loop; later assess() calls for this
   * request read it. The chat handler awaits this before planning.
   */
  prepare(request: ChatRequest, ctx: PolicyContext): Promise<PrivacyAssessment | undefined>;
}

/** Without settings only the client's marking counts (a model named directly: its implicit route). */
export function privacyPolicy(settings?: PrivacySettings): PrivacyPolicy {
  if (settings) warmDetectionPool();
  const assessed = new WeakMap<ChatRequest, { value: PrivacyAssessment | undefined }>();
  const markedBecause = (ctx: PolicyContext): string | null => (ctx.sensitive ? (ctx.sensitiveBecause ?? 'marked sensitive') : null);
  const assess = (request: ChatRequest, ctx: PolicyContext): PrivacyAssessment | undefined => {
    let memo = assessed.get(request);
    if (!memo) {
      memo = { value: assessPrivacy({ request, settings, markedBecause: markedBecause(ctx) }) };
      assessed.set(request, memo);
    }
    return memo.value;
  };
  const prepare = async (request: ChatRequest, ctx: PolicyContext): Promise<PrivacyAssessment | undefined> => {
    const memo = assessed.get(request);
    if (memo) return memo.value;
    const value = await assessPrivacyAsync({ request, settings, markedBecause: markedBecause(ctx) });
    assessed.set(request, { value });
    return value;
  };
  return {
    name: 'privacy',
    assess,
    prepare,
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
          return {
            allowed: true,
            reason: local ? `local model sees the original (${a.because})` : `cloud model sees placeholders for ${formatCounts(a.counts)}`,
          };
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

/** As assessRoutePrivacy, with a large request's detection off the event loop: call it before planning. */
export async function prepareRoutePrivacy(policies: readonly Policy[], request: ChatRequest, ctx: PolicyContext): Promise<PrivacyAssessment | undefined> {
  const policy = policies.find(isPrivacyPolicy);
  return policy?.prepare(request, ctx);
}

function isPrivacyPolicy(policy: Policy): policy is PrivacyPolicy {
  return policy.name === 'privacy' && 'assess' in policy;
}
