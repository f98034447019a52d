/** The x-tandem-* headers every response carries. */
import type { RequestContext } from './request-context.js';

export function routeHeaders(options: { ctx: RequestContext; model: string | null; reason: string; overheadMs: number }): Record<string, string> {
  return {
    'x-tandem-request-id': options.ctx.id,
    'x-tandem-model': options.model ?? '',
    'x-tandem-route-reason': headerSafe(options.reason),
    'x-tandem-overhead-ms': options.overheadMs.toFixed(3),
  };
}

/** Header values must be Latin-1 without control characters; keep them short. */
export function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
