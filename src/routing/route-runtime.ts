/**
 * A route ready to serve: its models, compiled policies and router, built once from config.
 * A client that names a model directly gets an implicit route over that one model with the privacy and
 * capability policies, so a sensitive request never reaches a cloud model by naming it.
 */
import type { RetryConfig, RouteConfig, RouterConfig } from '../config/schema.js';
import { createPolicy } from '../policy/compose-policies.js';
import { capabilityPolicy } from '../policy/capability-policy.js';
import type { Policy } from '../policy/policy.js';
import { privacyPolicy } from '../policy/privacy-policy.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { Router } from './router.js';
import { fixedRouter } from './routers/fixed-router.js';
import { rulesRouter } from './routers/rules-router.js';
import { scoredRouter } from './routers/scored-router.js';
import { weightedRouter } from './routers/weighted-router.js';
import { heuristicScorer } from './heuristic-scorer.js';
import { cascadeRouter } from './routers/cascade-router.js';
import { learnedRouter } from './routers/learned-router.js';
import { OnlineShareThreshold } from './online-share-threshold.js';

export interface RouteRuntime {
  /** null for the implicit route of a directly named model. */
  name: string | null;
  models: ModelInfo[];
  policies: Policy[];
  router: Router;
  /** Explicit fallback order, or undefined for "the other allowed models in route order". */
  fallbacks: string[] | undefined;
  retry: RetryConfig;
  /** The model whose prices define the baseline cost. */
  baseline: ModelInfo;
}

const DEFAULT_RETRY: RetryConfig = { max_attempts: 2, initial_backoff_ms: 100, max_backoff_ms: 2_000 };

export async function buildRoute(options: {
  name: string;
  config: RouteConfig;
  models: ReadonlyMap<string, ModelInfo>;
  baseDir: string;
}): Promise<RouteRuntime> {
  const { config, models } = options;
  const pick = (name: string): ModelInfo => {
    const model = models.get(name);
    if (!model) throw new Error(`route ${options.name}: unknown model ${name}`);
    return model;
  };
  const routeModels = config.models.map(pick);
  return {
    name: options.name,
    models: routeModels,
    policies: withRetrievalPrivacy(config),
    router: await createRouter(config.router, routeModels, options.baseDir),
    fallbacks: config.fallbacks,
    retry: config.retry,
    baseline: config.baseline_model ? pick(config.baseline_model) : baselineOf(routeModels),
  };
}

/**
 * A retrieval route always has a privacy policy: a request that drew on a private collection is marked
 * sensitive, and only the privacy policy turns that into "local models only" (docs/retrieval.md).
 */
function withRetrievalPrivacy(config: RouteConfig): Policy[] {
  const policies = config.policies.map(createPolicy);
  if (config.retrieval !== undefined && !policies.some((p) => p.name === 'privacy')) policies.unshift(privacyPolicy());
  return policies;
}

export function implicitRoute(model: ModelInfo): RouteRuntime {
  return {
    name: null,
    models: [model],
    policies: [privacyPolicy(), capabilityPolicy()],
    router: fixedRouter({ model: model.name }),
    fallbacks: [],
    retry: DEFAULT_RETRY,
    baseline: model,
  };
}

/** The route's most capable cloud model, judged by price (output, then input); else its most expensive model. */
export function baselineOf(models: readonly ModelInfo[]): ModelInfo {
  const byPrice = (a: ModelInfo, b: ModelInfo): number => b.pricing.outputPer1M - a.pricing.outputPer1M || b.pricing.inputPer1M - a.pricing.inputPer1M;
  const cloud = models.filter((m) => m.locality === 'cloud').sort(byPrice);
  const first = cloud[0] ?? [...models].sort(byPrice)[0];
  if (!first) throw new Error('a route needs at least one model');
  return first;
}

async function createRouter(config: RouterConfig | undefined, models: readonly ModelInfo[], baseDir: string): Promise<Router> {
  if (!config) return fixedRouter({ model: (models[0] as ModelInfo).name });
  switch (config.type) {
    case 'fixed':
      return fixedRouter({ model: config.model });
    case 'weighted':
      return weightedRouter({ weights: config.weights, sticky: config.sticky });
    case 'rules':
      return rulesRouter({ rules: config.rules, default: config.default });
    case 'scored':
      return scoredRouter({
        scorer: heuristicScorer(),
        threshold: config.threshold,
        small: config.small,
        large: config.large,
        // The heuristic has no reference set, so a share can only be held on the route's own traffic.
        hold: config.llm_share === undefined ? undefined : new OnlineShareThreshold({ llmShare: config.llm_share, window: config.hold_window }),
      });
    case 'learned':
      return learnedRouter({ ...config, baseDir });
    case 'cascade':
      return cascadeRouter({ ...config, baseDir });
  }
}
