/** What a flow leaves for last: the step whose answer the client gets (whole or streamed), and why. */
import type { ChatRequest } from '../spec/chat-request.js';
import type { FlowStepConfig } from './flow-schema.js';
import type { FlowRun } from './flow-run.js';

export interface FinalStep {
  name: string;
  spec: FlowStepConfig;
  request: ChatRequest;
  /** For the route reason: `triage -> refund`, `fallback (no action for intent "x")`. */
  reason: string;
}

/** The client's request answered directly by the fallback model (the route's baseline unless configured). */
export function fallbackStep(run: FlowRun, input: ChatRequest, fallbackModel: string | undefined, why: string): FinalStep {
  const model = fallbackModel ?? run.route.baseline.name;
  const spec: FlowStepConfig = { model, prompt: '{{input}}' };
  const request: ChatRequest = { ...input, stream: false, model: input.model };
  return { name: 'fallback', spec, request, reason: `fallback to ${model} (${why})` };
}
