import type { Router } from '../router.js';

export function fixedRouter(options: { model: string }): Router {
  return {
    type: 'fixed',
    decide: () => ({ model: options.model, reason: `fixed -> ${options.model}`, score: null, threshold: null }),
  };
}
