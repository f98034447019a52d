/**
 * What happened to a request, in one line that ends with the model that answered: the router's plan
 * (RequestRecord.reason) is what was intended, and a fallback, a retry or a cascade's escalation changes
 * who answered. The dashboard's "Why" column, `tandem logs` and the report read this, not the plan alone.
 *
 *   scored score 0.210 < 0.500 -> local-llama                              planned and answered
 *   scored score 0.210 < 0.500 -> local-llama; fell back -> gpt-4o         local-llama failed, gpt-4o answered
 *   fixed -> gpt-4o; answered by gpt-4o after 2 retries                   the same model, after failures
 *   cascade small -> verify >= 0.50 else large; escalated -> large          the verifier rejected the small answer
 *   not routed: 404 model_not_found: The model "x" does not exist …         refused before routing
 */
import type { RequestRecord } from '../../spec/request-record.js';

export type OutcomeInput = Pick<RequestRecord, 'reason' | 'model' | 'attempts' | 'status' | 'error'>;

export interface RouteOutcome {
  /** The line to show. */
  text: string;
  /** Another model answered than the one first tried (a fallback or a cascade's escalation). */
  fellBack: boolean;
  /** Failed attempts before the answer (retries and fallbacks). */
  failedAttempts: number;
}

export function routeOutcome(r: OutcomeInput): RouteOutcome {
  const failed = r.attempts.filter((a) => a.error !== null);
  const planned = r.reason.trim();
  if (r.model === null || r.status >= 400) {
    const error = (r.error ?? '').replace(/\s+/g, ' ').trim();
    const what = `failed (${r.status})${error === '' ? '' : `: ${error.length > 160 ? `${error.slice(0, 159)}…` : error}`}`;
    return { text: planned === '' ? `not routed: ${what}` : `${planned}; ${what}`, fellBack: false, failedAttempts: failed.length };
  }
  const first = r.attempts[0]?.model;
  const fellBack = first !== undefined && first !== r.model;
  let outcome: string;
  if (fellBack && failed.some((a) => a.error?.startsWith('answer rejected by verifier') === true)) outcome = `escalated -> ${r.model}`;
  else if (fellBack) outcome = `fell back -> ${r.model}`;
  else if (failed.length > 0) outcome = `answered by ${r.model} after ${failed.length} ${failed.length === 1 ? 'retry' : 'retries'}`;
  else if (planned.endsWith(`-> ${r.model}`)) return { text: planned, fellBack: false, failedAttempts: 0 };
  else outcome = `answered by ${r.model}`;
  return { text: planned === '' ? outcome : `${planned}; ${outcome}`, fellBack, failedAttempts: failed.length };
}
