/**
 * Turns a request's free-text route reason into one of a few kinds, so it can be a Prometheus label
 * (free text such as `rule 2 (last_user_matches /refund/) -> gpt` would make every distinct rule and
 * threshold a new series). The full text stays in the request log and the span attributes.
 */
import type { RequestRecord } from '../../spec/request-record.js';

export const REASON_KINDS = [
  /** Refused before a model was chosen: bad request, unknown model, no eligible model. */
  'rejected',
  /** The client named a model, not a route. */
  'direct',
  /** The router's choice was refused by a policy and the next allowed model took it. */
  'policy_override',
  'fixed',
  'weighted',
  'rules',
  'scored',
  'learned',
  'cascade_accepted',
  'cascade_escalated',
  'other',
] as const;

export type ReasonKind = (typeof REASON_KINDS)[number];

const ROUTER_KINDS: ReadonlySet<string> = new Set(['fixed', 'weighted', 'rules', 'scored', 'learned']);

/** `routerType` is the route's Router.type, or undefined for a directly named model. */
export function reasonKind(record: RequestRecord, routerType: string | undefined): ReasonKind {
  if (record.reason === '') return 'rejected';
  if (routerType === undefined || record.route === null) return 'direct';
  if (record.reason.includes('; refused (') || record.reason.startsWith('cascade without')) return 'policy_override';
  if (routerType === 'cascade') {
    return record.attempts.some((a) => a.error?.startsWith('answer rejected by verifier') === true) ? 'cascade_escalated' : 'cascade_accepted';
  }
  return ROUTER_KINDS.has(routerType) ? (routerType as ReasonKind) : 'other';
}
