/** Sensitive requests may only reach local models, on the first try and on every fallback and retry. */
import type { Policy } from './policy.js';

export function privacyPolicy(): Policy {
  return {
    name: 'privacy',
    evaluate(_request, model, ctx) {
      if (!ctx.sensitive) return { allowed: true, reason: 'request not sensitive' };
      if (model.locality === 'local') return { allowed: true, reason: `local model, sensitive (${ctx.sensitiveBecause})` };
      return { allowed: false, reason: `cloud model, request is sensitive (${ctx.sensitiveBecause})` };
    },
  };
}
