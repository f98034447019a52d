/**
 * The `experiment` and `drift` blocks of a route (docs/lifecycle.md): a candidate model tested against the
 * route's live model with an always-valid sequential test, and drift monitoring of the route's inputs and
 * quality. Part of config/schema.ts; kept here beside the code that reads it.
 */
import { z } from 'zod';

export const EXPERIMENT_METRICS = ['feedback_score', 'error_rate', 'latency_ms', 'cost'] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

/** Whether a larger value of the metric is better. */
export const HIGHER_IS_BETTER: Readonly<Record<ExperimentMetric, boolean>> = {
  feedback_score: true,
  error_rate: false,
  latency_ms: false,
  cost: false,
};

const share = z.number().gt(0).lt(1);

export const experimentSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._:/-]{1,100}$/, 'letters, digits and . _ : / - only (at most 100)')
      .optional()
      .describe('Names the experiment in metrics, `tandem experiments` and the store; default `<route>:<candidate>`. A new name starts a fresh experiment.'),
    control: z
      .string()
      .optional()
      .describe("The live model the candidate is compared against; default the route's first model. Only requests the router sends to it take part."),
    candidate: z.string().describe('The candidate model (a key of `models`). Policies apply to it as to any model.'),
    share: share.default(0.1).describe("Share of the control's traffic sent to the candidate (0–1, exclusive)."),
    sticky: z
      .enum(['key', 'user', 'request'])
      .default('key')
      .describe("What keeps a caller on one arm: the API key, the request's `user` field (falls back to the key), or nothing (each request drawn anew)."),
    metric: z
      .enum(EXPERIMENT_METRICS)
      .default('error_rate')
      .describe("What decides: `feedback_score` (POST /v1/feedback), `error_rate`, `latency_ms` or `cost` of the arm's model."),
    mode: z
      .enum(['superiority', 'non_inferiority'])
      .default('superiority')
      .describe('`superiority`: promote only a candidate better than control; `non_inferiority`: promote one not worse than `margin`.'),
    margin: z.number().nonnegative().default(0).describe("Non-inferiority margin in the metric's units (ignored for superiority)."),
    minimum_effect: z
      .number()
      .positive()
      .default(0.05)
      .describe("The effect, in the metric's units, the test is tuned to detect soonest (the mixture's standard deviation)."),
    alpha: z.number().gt(0).lt(0.5).default(0.05).describe('Error rate of the sequential test: the chance of ever promoting a candidate that is not better.'),
    min_samples: z.number().int().min(2).default(100).describe('Observations per arm before any decision.'),
    max_samples: z.number().int().min(2).default(2_500).describe('Observations per arm after which the experiment stops without a decision.'),
    guardrails: z
      .strictObject({
        max_error_rate: z.number().gt(0).lte(1).optional().describe("Roll back at once when the candidate's error rate exceeds this."),
        max_latency_ms: z.number().positive().optional().describe("Roll back at once when the candidate's mean latency exceeds this."),
        min_samples: z.number().int().min(1).default(20).describe('Candidate requests before a guardrail may fire.'),
      })
      .prefault({})
      .describe('Limits that roll the candidate back immediately, whatever the test says.'),
  })
  .describe("Runs a candidate model against the route's live model (docs/lifecycle.md#experiments).");

export type ExperimentConfig = z.output<typeof experimentSchema>;

export const driftSchema = z
  .strictObject({
    measure: z.enum(['psi', 'js']).default('psi').describe('Population stability index or Jensen–Shannon divergence (both are reported; this one decides).'),
    threshold: z
      .number()
      .positive()
      .optional()
      .describe('Input drift is flagged when the measure exceeds this; default 0.3 for PSI, 0.05 for Jensen–Shannon (docs/decisions/drift-measure.md).'),
    window: z.number().int().min(50).default(500).describe('Requests in the sliding window compared against the reference.'),
    reference: z
      .enum(['task_examples', 'first_requests'])
      .optional()
      .describe("The reference distribution: the task route's training examples (default on task routes) or the first `reference_size` requests after start."),
    reference_size: z.number().int().min(50).default(1_000).describe('Requests in the reference when it is built from the first requests.'),
    check_every: z.number().int().min(1).default(50).describe('Requests between two checks of the window.'),
    quality_drop: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.05)
      .describe("Quality drift is flagged when the task student's live agreement falls this far below its agreement when it started serving."),
    retrain: z
      .enum(['off', 'suggest', 'automatic'])
      .default('suggest')
      .describe(
        'On drift: nothing more, log a suggestion to retrain, or train a candidate student (task routes) that, if it beats the live one on held-out examples, starts a canary (`task.canary`, or its defaults).',
      ),
  })
  .describe('Watches the route for drift in its inputs and quality (docs/lifecycle.md#drift).');

export type DriftConfig = z.output<typeof driftSchema>;
