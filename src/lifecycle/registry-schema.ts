/** The `registry` block of tandem.yaml: how often a replica looks for promotions and rollbacks (docs/lifecycle.md). */
import { z } from 'zod';

export const registrySchema = z
  .strictObject({
    poll_interval_ms: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(1_000)
      .describe("How often each replica reads the registry's change counter; a promotion or rollback is served within about this long."),
  })
  .describe('The model registry (docs/lifecycle.md): versioned router scorers, cascade verifiers and task students, with hot reload.');

export type RegistryConfig = z.output<typeof registrySchema>;
