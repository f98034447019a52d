/**
 * Removes models whose recent p90 time to first token exceeds the latency budget (from the
 * x-tandem-max-latency-ms header, else the route's config). A model without enough observations is allowed:
 * we cannot know it is slow, and excluding it would starve it of the observations.
 */
import type { Policy } from './policy.js';

export function latencyPolicy(options: { maxTtftMs: number | undefined; minSamples: number }): Policy {
  return {
    name: 'latency',
    evaluate(_request, model, ctx) {
      const budget = ctx.maxLatencyMs ?? options.maxTtftMs;
      if (budget === undefined) return { allowed: true, reason: 'no latency budget' };
      const p90 = ctx.latency.ttftP90(model.name, options.minSamples);
      if (p90 === undefined) return { allowed: true, reason: `too few observations for p90 (budget ${budget} ms)` };
      const shown = `p90 ttft ${Math.round(p90)} ms vs budget ${budget} ms`;
      return p90 <= budget ? { allowed: true, reason: shown } : { allowed: false, reason: `too slow: ${shown}` };
    },
  };
}
