/**
 * The second phase of loading: names that point at other entries must resolve. A route may only use
 * models that exist, and its router and fallbacks may only pick among the route's own `models` (so the
 * policies, which run over `models`, always get a say). Problems a schema cannot express live here too:
 * a regex that does not compile, weights that are all zero, rules that can never match.
 */
import type { ConfigIssue } from './config-error.js';
import { formatPath, type PathSegment } from './config-path.js';
import type { RouterConfig, TandemConfig } from './schema.js';
import { suggest } from './suggest.js';
import { checkFlowReferences } from '../flows/check-flow-references.js';

export interface ResolveResult {
  issues: ConfigIssue[];
  warnings: string[];
}

export function resolveReferences(config: TandemConfig): ResolveResult {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const modelNames = Object.keys(config.models);

  if (modelNames.length === 0) {
    issues.push({ path: 'models', message: 'no models are defined; add at least one (`tandem init` writes a starter file)' });
  }

  /** Reports a name that is not a model; with `within`, also one that is a model but not in the route's list. */
  const checkModel = (path: readonly PathSegment[], name: string, within?: { routePath: string; models: readonly string[] }): void => {
    if (!(name in config.models)) {
      const suggestion = suggest(name, within?.models ?? modelNames) ?? suggest(name, modelNames);
      issues.push({
        path: formatPath(path),
        message: `unknown model "${name}"; it must be one of the names under models:`,
        ...(suggestion === undefined ? {} : { suggestion }),
      });
      return;
    }
    if (within !== undefined && !within.models.includes(name)) {
      issues.push({
        path: formatPath(path),
        message: `model "${name}" is not in this route's models list; add it to ${within.routePath}.models or pick one of ${within.models.join(', ')}`,
      });
    }
  };

  for (const [routeName, route] of Object.entries(config.routes)) {
    const base: PathSegment[] = ['routes', routeName];
    const within = { routePath: formatPath(base), models: route.models };
    if (routeName in config.models) {
      warnings.push(`${formatPath(base)}: a model has the same name as this route; requests for "${routeName}" go to the route, so rename one of them`);
    }
    const seen = new Set<string>();
    route.models.forEach((name, index) => {
      checkModel([...base, 'models', index], name);
      if (seen.has(name)) warnings.push(`${formatPath([...base, 'models', index])}: "${name}" is listed twice`);
      seen.add(name);
    });
    for (const [index, name] of (route.fallbacks ?? []).entries()) checkModel([...base, 'fallbacks', index], name, within);
    if (route.baseline_model !== undefined) checkModel([...base, 'baseline_model'], route.baseline_model);
    if (route.task?.teacher !== undefined) checkModel([...base, 'task', 'teacher'], route.task.teacher, within);
    if (route.experiment !== undefined) checkModel([...base, 'experiment', 'candidate'], route.experiment.candidate);
    if (route.experiment?.control !== undefined) checkModel([...base, 'experiment', 'control'], route.experiment.control, within);
    if (route.flow !== undefined) checkFlowReferences({ flow: route.flow, base, within, routes: config.routes, checkModel, issues });
    if (route.router !== undefined) checkRouter({ router: route.router, path: [...base, 'router'], checkModel, within, issues, warnings });
  }

  for (const [name, collection] of Object.entries(config.collections)) {
    if (collection.embeddings_model === undefined) continue;
    checkModel(['collections', name, 'embeddings_model'], collection.embeddings_model);
    const model = config.models[collection.embeddings_model];
    if (model !== undefined && !model.capabilities.embeddings) {
      issues.push({
        path: formatPath(['collections', name, 'embeddings_model']),
        message: `model "${collection.embeddings_model}" does not declare capabilities.embeddings: true, so it cannot embed the collection`,
      });
    }
  }

  if (config.embeddings_model !== undefined) {
    checkModel(['embeddings_model'], config.embeddings_model);
    const model = config.models[config.embeddings_model];
    if (model !== undefined && !model.capabilities.embeddings) {
      warnings.push(`embeddings_model: model "${config.embeddings_model}" does not declare capabilities.embeddings: true`);
    }
  }

  for (const [name, model] of Object.entries(config.models)) {
    if (model.provider === 'embedded' && model.locality !== 'local') {
      warnings.push(
        `models.${name}.locality: an embedded model runs in this process, so it is local; the privacy policy will wrongly keep sensitive requests away from it`,
      );
    }
  }

  return { issues, warnings };
}

function checkRouter(options: {
  router: RouterConfig;
  path: PathSegment[];
  checkModel: (path: readonly PathSegment[], name: string, within?: { routePath: string; models: readonly string[] }) => void;
  within: { routePath: string; models: readonly string[] };
  issues: ConfigIssue[];
  warnings: string[];
}): void {
  const { router, path, checkModel, within, issues, warnings } = options;
  switch (router.type) {
    case 'fixed':
      checkModel([...path, 'model'], router.model, within);
      return;
    case 'weighted': {
      const entries = Object.entries(router.weights);
      for (const [name] of entries) checkModel([...path, 'weights', name], name, within);
      if (entries.every(([, weight]) => weight === 0)) {
        issues.push({ path: formatPath([...path, 'weights']), message: 'at least one model needs a weight above 0' });
      }
      return;
    }
    case 'rules':
      router.rules.forEach((rule, index) => {
        const rulePath = [...path, 'rules', index];
        checkModel([...rulePath, 'model'], rule.model, within);
        const when = rule.when;
        if (when.last_user_matches !== undefined) {
          try {
            new RegExp(when.last_user_matches, when.ignore_case ? 'i' : '');
          } catch (error) {
            const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
            issues.push({ path: formatPath([...rulePath, 'when', 'last_user_matches']), message: `not a valid regular expression: ${reason}` });
          }
        }
        for (const [low, high] of [
          ['min_messages', 'max_messages'],
          ['min_tokens', 'max_tokens'],
        ] as const) {
          const min = when[low];
          const max = when[high];
          if (min !== undefined && max !== undefined && min > max) {
            issues.push({ path: formatPath([...rulePath, 'when']), message: `${low} (${min}) is greater than ${high} (${max}), so this rule can never match` });
          }
        }
      });
      checkModel([...path, 'default'], router.default, within);
      return;
    case 'scored':
    case 'learned':
    case 'cascade':
      checkModel([...path, 'small'], router.small, within);
      checkModel([...path, 'large'], router.large, within);
      if (router.small === router.large) {
        warnings.push(`${formatPath([...path, 'large'])}: small and large are the same model, so this router always picks "${router.small}"`);
      }
      return;
  }
}
