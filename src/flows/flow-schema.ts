/**
 * The `flow` block of a route (docs/flows.md): a route whose answer is a small program of model calls
 * rather than one call. `triage-act`: a model turns the request into JSON (intent plus fields) and the
 * action for that intent answers; `plan-execute-synthesise`: a model splits the request into subtasks,
 * executors answer them in parallel, a model writes the final answer from their results. Part of
 * config/schema.ts; kept here beside the code that runs it.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

export const flowStepSchema = z
  .strictObject({
    model: z.string().min(1).optional().describe("The model that runs this step, under the flow route's policies."),
    models: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        "Models that may run this step, most preferred first, under the flow route's policies (e.g. a cloud model and a local one for steps that may carry personal data).",
      ),
    route: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A route that runs this step with its own router, policies and fallbacks (a scored route, a cascade, or a task route whose student answers when it is sure; not a flow).',
      ),
    prompt: z
      .string()
      .min(1)
      .describe(
        "The user message of this step; `{{input}}` is the client's last user message, `{{fields}}` the triage's JSON, `{{fields.<name>}}` one of its fields, `{{intent}}`, `{{task}}` a subtask, `{{results}}` the subtasks' results.",
      ),
    system: z.string().optional().describe('System message of this step, with the same placeholders as `prompt`.'),
    max_tokens: positiveInt
      .optional()
      .describe("Output tokens this step may produce (reserved against budgets); defaults to the model's `default_max_output_tokens`."),
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature of this step.'),
  })
  .refine((step) => [step.model, step.models, step.route].filter((v) => v !== undefined).length === 1, {
    message: 'a flow step names exactly one of `model`, `models` or `route`',
  })
  .describe('One model call of a flow: who answers (a model, a list of models, or a route) and the prompt it gets.');

const fallbackModel = z
  .string()
  .min(1)
  .optional()
  .describe(
    "The model that answers the client's request directly when the flow cannot (recorded as a `fallback` step); defaults to the route's baseline model.",
  );

export const triageActFlowSchema = z
  .strictObject({
    type: z.literal('triage-act'),
    triage: flowStepSchema.describe(
      'The step that reads the request and returns JSON matching `schema` (sent upstream as `response_format` json_schema; a JSON grammar on embedded models).',
    ),
    schema: z
      .record(z.string(), z.unknown())
      .refine((schema) => schema.type === 'object', { message: 'the triage schema must be a JSON schema with `type: object`' })
      .describe('JSON schema of the triage output: an object with a string `intent` and the fields the actions need.'),
    intent_field: z.string().min(1).default('intent').describe('The field of the triage output that names the action.'),
    actions: z
      .record(z.string().min(1), flowStepSchema)
      .refine((actions) => Object.keys(actions).length > 0, { message: 'at least one action' })
      .describe('One step per intent; it receives the triage fields. An intent with no action falls back to `fallback_model`.'),
    fallback_model: fallbackModel,
  })
  .describe('A model triages the request into an intent and fields; the action for that intent answers (docs/flows.md).');

export const planExecuteFlowSchema = z
  .strictObject({
    type: z.literal('plan-execute-synthesise'),
    planner: flowStepSchema.describe('The step that splits the request into subtasks, answering `{"subtasks": ["...", ...]}` (constrained by a JSON schema).'),
    executor: flowStepSchema.describe('The step run once per subtask (`{{task}}`); a subtask that carries personal data runs only on local models.'),
    synthesiser: flowStepSchema.describe(
      'The step that writes the final answer from `{{input}}` and `{{results}}`; streamed to the client when it asked for a stream.',
    ),
    max_subtasks: positiveInt.max(32).default(5).describe('Most subtasks the planner may return; more are cut off.'),
    concurrency: positiveInt.max(32).default(3).describe('Subtasks executed at once.'),
    subtask_timeout_ms: positiveInt.default(30_000).describe('Time one subtask may take; one that takes longer is reported to the synthesiser as timed out.'),
    fallback_model: fallbackModel,
  })
  .describe('A model plans subtasks, executors answer them in parallel, a model synthesises the answer (docs/flows.md).');

export const flowSchema = z
  .discriminatedUnion('type', [triageActFlowSchema, planExecuteFlowSchema])
  .describe(
    "Makes this route a flow: several steps, each with its own model, privacy and accounting, answer one request (docs/flows.md). The route's `models` name the models its steps and fallback may use.",
  );

export type FlowStepConfig = z.output<typeof flowStepSchema>;
export type TriageActFlowConfig = z.output<typeof triageActFlowSchema>;
export type PlanExecuteFlowConfig = z.output<typeof planExecuteFlowSchema>;
export type FlowConfig = z.output<typeof flowSchema>;
