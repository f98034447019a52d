/**
 * The `canary` block of a task route (docs/lifecycle.md#student-canaries): how a new student is tried on a
 * share of the route's traffic against the live one before it replaces it. Part of task-schema.ts; kept
 * here beside the code that reads it (student-canary.ts).
 */
import { z } from 'zod';

export const studentCanarySchema = z
  .strictObject({
    share: z.number().gt(0).lt(1).default(0.1).describe("Share of the route's traffic the canary student answers (0–1, exclusive); the live student the rest."),
    sticky: z
      .enum(['key', 'user', 'request'])
      .default('request')
      .describe(
        "What keeps a caller on one student: the API key, the request's `user` field (falls back to the key), or nothing (each request drawn anew: the default, as a deployment with one API key would otherwise put all its traffic on one student).",
      ),
    shadow_fraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.2)
      .describe("Share of both students' answers checked against the teacher while the canary runs (the route's `shadow_fraction` otherwise)."),
    mode: z
      .enum(['superiority', 'non_inferiority'])
      .default('non_inferiority')
      .describe('`superiority`: promote only a canary that agrees with the teacher more often; `non_inferiority`: one not worse than `margin`.'),
    margin: z.number().min(0).lt(1).default(0.02).describe('Non-inferiority margin in agreement (0–1; ignored for superiority).'),
    minimum_effect: z.number().gt(0).lt(1).default(0.05).describe('The difference in agreement the sequential test is tuned to detect soonest.'),
    alpha: z.number().gt(0).lt(0.5).default(0.05).describe('Error rate of the sequential test.'),
    min_samples: z.number().int().min(2).default(100).describe('Checked answers (shadow checks and feedback `correct`) per student before any decision.'),
    max_samples: z.number().int().min(2).default(2_500).describe('Checked answers per student after which the canary is retired without a decision.'),
  })
  .describe(
    'Retrained students are tried on a share of traffic before they replace the live one: agreement with the teacher decides through the sequential test (docs/lifecycle.md#student-canaries).',
  );

export type StudentCanaryConfig = z.output<typeof studentCanarySchema>;

/** The defaults, for a canary started without a `canary` block (drift's `retrain: automatic`). */
export function defaultStudentCanary(): StudentCanaryConfig {
  return studentCanarySchema.parse({});
}
