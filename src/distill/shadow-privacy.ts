/** The gateway's ShadowPrivacy: the route's own privacy policy decides what a shadow check's teacher sees. */
import { policyContextFor } from '../gateway/policy-context.js';
import { prepareRoutePrivacy } from '../policy/privacy-policy.js';
import { upstreamView } from '../privacy/upstream-view.js';
import type { LatencyTracker } from '../routing/latency-tracker.js';
import type { RouteRuntime } from '../routing/route-runtime.js';
import type { ShadowPrivacy } from './shadow-check.js';

export function routeShadowPrivacy(routes: ReadonlyMap<string, RouteRuntime>, latency: LatencyTracker): ShadowPrivacy {
  return async (name, request, teacher) => {
    const route = routes.get(name);
    if (!route) return null;
    // Headers are gone by now; metadata.sensitive still counts. The pipeline does not call `served` for
    // requests a header marked sensitive (docs/distillation.md).
    const privacy = await prepareRoutePrivacy(route.policies, request, policyContextFor(request, {}, latency));
    if (privacy?.mode === 'block' && privacy.because !== null) return null;
    if ((privacy?.localOnly || isSensitive(request)) && teacher.locality === 'cloud') return null;
    const view = upstreamView({ privacy, model: teacher, request });
    return { request: view.request, restore: (result) => view.restoreResult(result), cloudRequest: view.request === request ? undefined : view.request };
  };
}

function isSensitive(request: { params: { metadata?: Record<string, string> } }): boolean {
  const value = request.params.metadata?.sensitive;
  return value !== undefined && ['1', 'true', 'yes'].includes(value.toLowerCase());
}
