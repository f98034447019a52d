/**
 * Audit chain ids. Each process appends to a chain of its own, never shared: several processes that
 * shared one `replica_id` (the default is the host name, and every pod of a Deployment on one node, or
 * every worker on one host, has the same one) raced for the same next seq, and the losers' records were
 * dropped after three retries. The id is the configured name plus the chain's start time, the pid and
 * a random tag (pid and time alone repeat across containers, where every process is pid 1).
 *
 * Chains written before this change are keyed by the bare name; they verify as they always did.
 */
import { randomBytes } from 'node:crypto';

const SUFFIX = /\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\/(\d+)-([0-9a-f]{6})$/;

export function processChainId(name: string, o: { startedAt?: number; pid?: number; tag?: string } = {}): string {
  const startedAt = new Date(o.startedAt ?? Date.now()).toISOString();
  return `${name}/${startedAt}/${o.pid ?? process.pid}-${o.tag ?? randomBytes(3).toString('hex')}`;
}

/** The configured name a chain id starts with (the whole id for a chain from before per-process ids). */
export function chainName(chainId: string): string {
  const match = SUFFIX.exec(chainId);
  return match === null ? chainId : chainId.slice(0, match.index);
}

/** Whether `selector` (from `--replica`) names this chain: its exact id, or the name it was started under. */
export function chainMatches(chainId: string, selector: string): boolean {
  return chainId === selector || chainName(chainId) === selector;
}
