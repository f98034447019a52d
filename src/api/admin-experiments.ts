/**
 * GET /admin/experiments (every experiment, or one with ?name=) and POST /admin/experiments/stop
 * {"name": …}: the admin API of docs/lifecycle.md#experiments. Running experiments show the live verdict
 * of this process; the rest come from the store.
 */
import type { Gateway } from '../gateway/gateway.js';
import type { ExperimentRuntime } from '../lifecycle/experiment-runtime.js';
import { experimentView, type ExperimentView } from '../lifecycle/experiment-view.js';
import { GatewayError } from '../spec/errors.js';

export async function listExperimentsHandler(
  gateway: Gateway,
  params: URLSearchParams,
): Promise<{ experiments: ExperimentView[] } | { experiment: ExperimentView }> {
  const name = params.get('name');
  if (name !== null) {
    const running = runningExperiment(gateway, name);
    const state = running?.state ?? (await gateway.store.experiments.get(name));
    if (!state) throw notFound(name);
    return { experiment: experimentView(state, running?.verdict) };
  }
  const states = await gateway.store.experiments.list();
  return {
    experiments: states.map((stored) => {
      const running = runningExperiment(gateway, stored.name);
      return running ? experimentView(running.state, running.verdict) : experimentView(stored);
    }),
  };
}

export async function stopExperimentHandler(gateway: Gateway, body: unknown): Promise<{ experiment: ExperimentView }> {
  const name = typeof body === 'object' && body !== null && 'name' in body ? body.name : undefined;
  if (typeof name !== 'string' || name === '')
    throw new GatewayError({ status: 400, param: 'name', message: 'Send {"name": "<experiment name>"} to stop an experiment.' });
  const reason = 'stopped through the admin API';
  const running = runningExperiment(gateway, name);
  const stopped = running ? await running.stop(reason) : await gateway.store.experiments.decide(name, { status: 'stopped', reason, time: Date.now() });
  const state = running?.state ?? (await gateway.store.experiments.get(name));
  if (!state) throw notFound(name);
  if (!stopped)
    throw new GatewayError({ status: 409, code: 'experiment_not_running', param: 'name', message: `Experiment ${name} is not running (${state.status}).` });
  return { experiment: experimentView(state, running?.verdict) };
}

/** The experiment this process runs under that name: a route's model experiment or a task student canary. */
export function runningExperiment(gateway: Gateway, name: string): ExperimentRuntime | undefined {
  const model = gateway.lifecycle?.byName(name);
  if (model) return model;
  for (const canary of gateway.tasks?.canaries?.values() ?? []) if (canary.runtime.name === name) return canary.runtime;
  return undefined;
}

function notFound(name: string): GatewayError {
  return new GatewayError({ status: 404, code: 'experiment_not_found', param: 'name', message: `No experiment named "${name}".` });
}
