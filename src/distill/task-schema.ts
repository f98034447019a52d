/**
 * The `task` block of a route (docs/distillation.md): a classification the route's teacher answers and a
 * student learns. Part of config/schema.ts; kept here beside the code that reads it.
 */
import { z } from 'zod';
import { studentCanarySchema } from './student-canary-schema.js';

const regexSource = z
  .string()
  .min(1)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid JavaScript regular expression');

export const taskLabelSchema = z
  .discriminatedUnion('from', [
    z.strictObject({ from: z.literal('answer') }).describe('The whole answer, trimmed, is the label.'),
    z
      .strictObject({
        from: z.literal('json'),
        field: z.string().min(1).describe('Top-level field of the JSON answer that holds the label.'),
      })
      .describe('The answer is a JSON object; the label is one of its string fields. The student answers `{"<field>": "<label>"}`.'),
    z
      .strictObject({
        from: z.literal('regex'),
        pattern: regexSource.describe('JavaScript regular expression; its first capture group (else the whole match) is the label.'),
        answer_template: z
          .string()
          .includes('{label}')
          .describe("How the teacher's answers look, with `{label}` where the label goes, e.g. `Intent: {label}`; the student answers with it."),
      })
      .describe('The label is found in the answer by a regular expression.'),
  ])
  .describe("How to read the label from the teacher's answer; the student answers in the same format.");

export const taskSchema = z
  .strictObject({
    teacher: z.string().optional().describe("The model whose answers are the labels (a model of this route); defaults to the route's baseline model."),
    prompt_template: z
      .string()
      .includes('{input}')
      .optional()
      .describe(
        'The prompt clients wrap the input in, with `{input}` where it goes; stripped from the last user message to find the input. Unset: the whole last user message is the input.',
      ),
    labels: z
      .array(z.string().min(1))
      .min(2)
      .optional()
      .describe('The fixed label set: answers outside it are not learned from. Unset: an open set, whatever labels the teacher gives.'),
    label: taskLabelSchema.prefault({ from: 'answer' }),
    target_agreement: z
      .number()
      .gt(0.5)
      .lt(1)
      .default(0.98)
      .describe('The student answers only where, on held-out captured examples, its answers agreed with the teacher at least this often.'),
    confidence: z
      .enum(['probability', 'trust'])
      .default('probability')
      .describe(
        "What the student's confidence is: `probability`, its top class probability; `trust`, that combined with how near the input is to a captured example of the predicted label and to one of any other (about +3.7 points of Banking77 answered at the same agreement offline, on labels of all traffic; not better through a live route, whose captured labels are the inputs the student escalated; docs/distillation.md). ~15 µs more per answer.",
      ),
    min_examples: z.number().int().min(20).default(200).describe('Labelled examples needed before the first student is trained.'),
    retrain_every: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe(
        'Train a new student after this many new labels (it replaces the current one only if it does better on held-out examples; with `canary`, it is tried on live traffic first).',
      ),
    shadow_fraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe("Share of student answers also sent to the teacher after the client has its answer; their agreement is the student's live quality."),
    demotion: z
      .strictObject({
        margin: z.number().min(0).max(0.5).default(0.03).describe('Demote the student when live agreement falls below `target_agreement` minus this.'),
        min_checks: z.number().int().positive().default(50).describe('Shadow checks needed before live agreement can demote.'),
        window: z.number().int().positive().default(200).describe('Live agreement is over this many latest shadow checks.'),
      })
      .prefault({})
      .describe('When the student stops answering: the route then serves from the teacher until a new student passes.'),
    canary: studentCanarySchema.optional(),
    capture: z
      .enum(['pseudonymised', 'skip'])
      .default('pseudonymised')
      .describe(
        "Examples from requests the route's privacy policy rewrote: `pseudonymised` stores the placeholder text the teacher saw; `skip` stores nothing of them.",
      ),
  })
  .describe(
    "A classification task: the teacher's answers on this route are captured as labelled examples and a small in-process student learns to answer for it (docs/distillation.md).",
  );

export type TaskConfig = z.output<typeof taskSchema>;
export type TaskLabelConfig = z.output<typeof taskLabelSchema>;
