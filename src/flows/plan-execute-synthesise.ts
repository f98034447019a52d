/**
 * The plan-execute-synthesise flow (docs/flows.md): the planner returns `{"subtasks": [...]}` (at most
 * `max_subtasks`, constrained by a JSON schema), executors answer the subtasks with bounded concurrency
 * and a per-subtask timeout, and the synthesiser writes the final answer from their results. A subtask
 * that fails, times out or cannot be covered by the reservation is reported to the synthesiser as such,
 * not fatal. Each subtask's own input goes through the privacy policy: one that carries personal data
 * runs only on local models. A planner answer that is not a plan falls back to the fallback model.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import { fallbackStep, type FinalStep } from './final-step.js';
import { parseJsonAnswer } from './flow-json.js';
import { FlowBudgetExhausted, StepFailure, type FlowRun } from './flow-run.js';
import type { PlanExecuteFlowConfig } from './flow-schema.js';

export function planSchema(maxSubtasks: number): Record<string, unknown> {
  return {
    type: 'object',
    properties: { subtasks: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: maxSubtasks } },
    required: ['subtasks'],
    additionalProperties: false,
  };
}

export async function planExecuteSynthesise(run: FlowRun, flow: PlanExecuteFlowConfig, input: ChatRequest, inputText: string): Promise<FinalStep> {
  const schema = { name: 'plan', schema: planSchema(flow.max_subtasks) };
  let subtasks: string[];
  try {
    const planned = await run.generate('plan', flow.planner, run.request(flow.planner, { input: inputText }, input, { schema }), { schema });
    const checked = parseJsonAnswer(planned.result.text, schema.schema);
    if (!checked.ok) return fallbackStep(run, input, flow.fallback_model, `invalid plan: ${checked.problem}`);
    subtasks = (checked.value.subtasks as string[]).slice(0, flow.max_subtasks);
  } catch (error) {
    if (error instanceof FlowBudgetExhausted || run.call.signal.aborted || !(error instanceof StepFailure)) throw error;
    return fallbackStep(run, input, flow.fallback_model, `planning failed: ${error.message}`);
  }
  const results: string[] = new Array(subtasks.length).fill('');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < subtasks.length) {
      const i = next++;
      const task = subtasks[i] as string;
      try {
        const answer = await run.generate(`subtask:${i + 1}`, flow.executor, run.request(flow.executor, { input: inputText, task }, input), {
          timeoutMs: flow.subtask_timeout_ms,
        });
        results[i] = answer.result.text;
      } catch (error) {
        if (run.call.signal.aborted) throw error;
        if (error instanceof FlowBudgetExhausted) results[i] = '(not run: the budget reservation could not cover it)';
        else if (error instanceof StepFailure)
          results[i] = error.status === 'timeout' ? `(failed: timed out after ${flow.subtask_timeout_ms} ms)` : `(failed: ${error.message})`;
        else throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(flow.concurrency, subtasks.length) }, worker));
  const resultsText = subtasks.map((task, i) => `${i + 1}. ${task}\n${results[i]}`).join('\n\n');
  return {
    name: 'synthesise',
    spec: flow.synthesiser,
    request: run.request(flow.synthesiser, { input: inputText, results: resultsText }, input),
    reason: `planned ${subtasks.length} subtask${subtasks.length === 1 ? '' : 's'}`,
  };
}
