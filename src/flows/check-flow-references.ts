/**
 * The flow part of loading's second phase (config/resolve-references.ts): every step's models must be among
 * its route's `models` (so the route's policies and baseline cover them), and a step's route must exist
 * and must not itself be a flow.
 */
import type { ConfigIssue } from '../config/config-error.js';
import { formatPath, type PathSegment } from '../config/config-path.js';
import type { RouteConfig } from '../config/schema.js';
import type { FlowConfig, FlowStepConfig } from './flow-schema.js';

export type CheckModel = (path: readonly PathSegment[], name: string, within?: { routePath: string; models: readonly string[] }) => void;

export function checkFlowReferences(options: {
  flow: FlowConfig;
  base: readonly PathSegment[];
  within: { routePath: string; models: readonly string[] };
  routes: Readonly<Record<string, RouteConfig>>;
  checkModel: CheckModel;
  issues: ConfigIssue[];
}): void {
  const { flow, base, within, routes, checkModel, issues } = options;
  const checkStep = (step: FlowStepConfig, path: readonly PathSegment[]): void => {
    if (step.model !== undefined) checkModel([...path, 'model'], step.model, within);
    for (const [index, name] of (step.models ?? []).entries()) checkModel([...path, 'models', index], name, within);
    if (step.route !== undefined) {
      const target = routes[step.route];
      if (target === undefined)
        issues.push({ path: formatPath([...path, 'route']), message: `unknown route "${step.route}"; it must be one of the names under routes:` });
      else if (target.flow !== undefined)
        issues.push({ path: formatPath([...path, 'route']), message: `route "${step.route}" is itself a flow; a step's route must answer in one call` });
    }
  };
  const flowPath = [...base, 'flow'];
  if (flow.fallback_model !== undefined) checkModel([...flowPath, 'fallback_model'], flow.fallback_model, within);
  if (flow.type === 'triage-act') {
    checkStep(flow.triage, [...flowPath, 'triage']);
    for (const [intent, step] of Object.entries(flow.actions)) checkStep(step, [...flowPath, 'actions', intent]);
  } else {
    checkStep(flow.planner, [...flowPath, 'planner']);
    checkStep(flow.executor, [...flowPath, 'executor']);
    checkStep(flow.synthesiser, [...flowPath, 'synthesiser']);
  }
}
