/** Per-request facts the edge gathers before any handler runs: the pipeline's caller (gateway/caller.ts). */
export type { Caller as RequestContext } from '../gateway/caller.js';
