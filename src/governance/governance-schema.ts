/** Config sections for keys, limits and the audit log; configSchema (config/schema.ts) mounts them. */
import { z } from 'zod';

export const limitSetSchema = z
  .strictObject({
    requests_per_minute: z.number().int().positive().optional().describe('Requests in any 60 s (sliding window).'),
    tokens_per_minute: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Prompt plus output tokens in any 60 s; counted on the estimate (prompt + max_tokens) up front, corrected to actual usage after.'),
    spend_per_day: z.number().nonnegative().optional().describe('Spend per UTC day in `currency`; resets at midnight UTC.'),
    spend_per_month: z.number().nonnegative().optional().describe('Spend per UTC calendar month in `currency`; resets on the 1st.'),
    concurrent_requests: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Requests in flight at once; over it, 429 with a short retry-after. Unset: 16 under a budget (it bounds how far concurrent requests can overshoot one), else unlimited.',
      ),
  })
  .describe('Unset limits are unlimited.');

export const limitsSchema = z
  .strictObject({
    per_key: limitSetSchema
      .prefault({})
      .describe(
        "Limits for every API key (and for anonymous callers when auth is off); a key's own limits, set with `tandem keys create`, replace these one by one.",
      ),
    per_user: limitSetSchema
      .optional()
      .describe("Limits per value of the request's `user` field, counted separately under each key; unset: the `user` field is not limited."),
  })
  .describe('Rate limits and budgets (docs/security.md). Over a limit, a request gets 429 naming the limit and when it resets.');

export const auditSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Append a hash-chained audit record for every chat request (`tandem audit verify`).'),
    replica_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "The name of this replica's audit chains; unset: the host name. Each process appends to a chain of its own, `<replica_id>/<start time>/<pid>-<tag>`, so processes sharing a name never share a chain.",
      ),
    user_key: z
      .string()
      .min(16)
      .optional()
      .describe(
        "Secret (e.g. `${TANDEM_AUDIT_USER_KEY}`) under which the request's `user` field is recorded as a keyed hash (HMAC-SHA256), so records of one user can be found by whoever holds the key; unset: `user` is not recorded. Never the value itself.",
      ),
  })
  .describe('The tamper-evident audit log (docs/security.md).');

export const authModeSchema = z
  .enum(['keys', 'none'])
  .optional()
  .describe(
    '`keys`: every API request needs a key. `none`: no authentication (local development). Unset: like `keys`, except that while no key exists at all a gateway listening on a loopback address answers without one.',
  );

export const retentionFields = {
  // Optional rather than default(false), so code building a StoreConfig by hand need not spell it out.
  redact_bodies: z
    .boolean()
    .optional()
    .describe('Store logged bodies with personal data and secrets replaced by placeholders such as <EMAIL_ADDRESS_1>; unset: false.'),
  retention_days: z
    .number()
    .positive()
    .optional()
    .describe('`tandem purge` deletes request-log rows and audit records older than this many days; unset: keep everything.'),
};
