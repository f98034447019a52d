/**
 * The `store` keys (type: postgres) that bound how long Tandem waits on PostgreSQL and what it does while
 * the database is away: timeouts, TCP keepalive, the local spool that keeps answered requests' rows, and
 * the start-up retry. Defaults and the reasoning: docs/decisions/postgres-outages.md.
 */
import { z } from 'zod';

const ms = z.number().int().nonnegative();

export const postgresOutageFields = {
  application_name: z
    .string()
    .min(1)
    .max(63)
    .default('tandem')
    .describe("application_name of every connection (shown in pg_stat_activity), so an operator can find or terminate this gateway's sessions."),
  connect_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(5_000)
    .describe('Longest wait for a new connection, or for a free one from the pool; then the attempt fails.'),
  statement_timeout_ms: ms
    .default(15_000)
    .describe("PostgreSQL's statement_timeout for every statement the gateway runs (the server cancels longer ones); 0: none. Migrations run without it."),
  query_timeout_ms: ms.default(20_000).describe('Client-side limit on one query, counting the network (a silently unreachable server never answers); 0: none.'),
  keepalive_ms: ms
    .default(10_000)
    .describe('Idle time before TCP keepalive probes start on each connection (then about 10 s of probes find a dead peer); 0: keepalive off.'),
  commit_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(2_000)
    .describe('How long an answer waits for its row to commit before the row goes to the spool instead (with the spool off: 503).'),
  health_check_interval_ms: z
    .number()
    .int()
    .positive()
    .default(2_000)
    .describe('How often an idle gateway checks that PostgreSQL answers (for /readyz); after an outage it checks every second until it is back.'),
  spool: z
    .boolean()
    .default(true)
    .describe('Keep rows (and audit records) that cannot be committed in a local journal and replay them when PostgreSQL is back; off: such requests get 503.'),
  spool_path: z
    .string()
    .min(1)
    .default('.tandem/postgres-spool.db')
    .describe('The spool journal (a SQLite file), relative to the config file; put it on a volume that outlives the process.'),
  startup_attempts: ms.default(30).describe('Tries to reach PostgreSQL at start-up, with backoff, before `tandem serve` gives up; 0: keep trying.'),
  startup_max_backoff_ms: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Longest wait between two start-up tries (the wait doubles from 500 ms up to this).'),
};
