/**
 * The triage-act flow (docs/flows.md): the triage step turns the request into JSON matching the configured
 * schema (response_format json_schema upstream, a grammar on embedded models); an answer that does not
 * parse or match gets one repair turn; the action keyed by the intent then answers, with the triage
 * fields in its prompt. Invalid JSON after the repair, a failed triage, or an intent with no action fall
 * back to the fallback model answering the request directly, recorded as a `fallback` step.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import { fallbackStep, type FinalStep } from './final-step.js';
import { parseJsonAnswer, type JsonCheck } from './flow-json.js';
import { FlowBudgetExhausted, StepFailure, type FlowRun } from './flow-run.js';
import type { TriageActFlowConfig } from './flow-schema.js';

export async function triageAct(run: FlowRun, flow: TriageActFlowConfig, input: ChatRequest, inputText: string): Promise<FinalStep> {
  const schema = { name: 'triage', schema: flow.schema };
  let checked: JsonCheck;
  try {
    const first = await run.generate('triage', flow.triage, run.request(flow.triage, { input: inputText }, input, { schema }), { schema });
    checked = parseJsonAnswer(first.result.text, flow.schema);
    if (!checked.ok) {
      const followUp = [
        { role: 'assistant' as const, content: first.result.text },
        { role: 'user' as const, content: `Your answer is not valid: ${checked.problem}. Answer again with only a JSON object that matches the schema.` },
      ];
      const repaired = await run.generate('repair', flow.triage, run.request(flow.triage, { input: inputText }, input, { schema, followUp }), { schema });
      checked = parseJsonAnswer(repaired.result.text, flow.schema);
      if (!checked.ok) checked = { ok: false, problem: `invalid triage JSON after one repair: ${checked.problem}` };
    }
  } catch (error) {
    if (error instanceof FlowBudgetExhausted || run.call.signal.aborted) throw error;
    if (!(error instanceof StepFailure)) throw error;
    checked = { ok: false, problem: `triage failed: ${error.message}` };
  }
  if (!checked.ok) return fallbackStep(run, input, flow.fallback_model, checked.problem);
  const fields = checked.value;
  const intent = fields[flow.intent_field];
  if (typeof intent !== 'string') return fallbackStep(run, input, flow.fallback_model, `the triage gave no string "${flow.intent_field}"`);
  const action = Object.hasOwn(flow.actions, intent) ? flow.actions[intent] : undefined;
  if (!action) return fallbackStep(run, input, flow.fallback_model, `no action for intent "${intent}"`);
  return { name: `action:${intent}`, spec: action, request: run.request(action, { input: inputText, intent, fields }, input), reason: `triage -> ${intent}` };
}
