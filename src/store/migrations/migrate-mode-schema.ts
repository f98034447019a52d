/** The `store.migrate` setting of the SQL stores (prepare-schema.ts says what each mode does). */
import { z } from 'zod';

export const migrateFields = {
  // Optional rather than default('auto'), so code building a StoreConfig by hand need not spell it out.
  migrate: z
    .enum(['auto', 'wait', 'skip'])
    .optional()
    .describe(
      'Schema migrations at start-up. `auto`: apply pending ones (one process, or replicas that may wait on each other); `wait`: never migrate, wait until `tandem migrate` (a Kubernetes initContainer or Job) has applied them; `skip`: neither, only warn. Unset: `auto`.',
    ),
};
