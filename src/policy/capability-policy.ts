/** Tools, JSON output and images need a model that declares them. */
import { hasImages } from '../spec/chat-request.js';
import type { Policy } from './policy.js';

export function capabilityPolicy(): Policy {
  return {
    name: 'capability',
    evaluate(request, model) {
      const missing: string[] = [];
      const usesTools = (request.params.tools?.length ?? 0) > 0 || request.messages.some((m) => m.tool_calls?.length);
      if (usesTools && !model.capabilities.tools) missing.push('tools');
      const format = request.params.response_format?.type;
      if ((format === 'json_object' || format === 'json_schema') && !model.capabilities.json) missing.push(format);
      if (hasImages(request) && !model.capabilities.vision) missing.push('vision');
      if (missing.length === 0) return { allowed: true, reason: 'has the needed capabilities' };
      return { allowed: false, reason: `lacks ${missing.join(', ')}` };
    },
  };
}
