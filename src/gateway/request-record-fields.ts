/** The request-log row of one chat request: created on arrival, completed when the answer is settled. */
import { costOf } from '../accounting/cost.js';
import type { AttemptRecord, DiscardedCall } from '../routing/execute-plan.js';
import type { ModelInfo } from '../spec/model-info.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { Usage } from '../spec/usage.js';
import type { Caller } from './caller.js';

export function newRecord(caller: Caller, logBodies: boolean): RequestRecord {
  return {
    id: caller.id,
    time: caller.time,
    keyId: caller.keyId,
    route: null,
    requestedModel: '',
    model: null,
    candidates: [],
    reason: '',
    score: null,
    threshold: null,
    attempts: [],
    stream: false,
    inputTokens: 0,
    outputTokens: 0,
    tokensEstimated: false,
    cost: 0,
    baselineCost: 0,
    ttftMs: null,
    totalMs: 0,
    overheadMs: 0,
    status: 0,
    error: null,
    requestBody: logBodies ? caller.bodyText : null,
    responseBody: null,
  };
}

/** What the execution left: who answered after which attempts, the calls paid for and discarded, the first token. */
export interface AnsweredBy {
  model: ModelInfo;
  attempts: AttemptRecord[];
  discarded: DiscardedCall[];
  ttftMs: number;
}

export interface SettledAnswer {
  outcome: AnsweredBy;
  usage: Usage;
  totalMs: number;
  overheadMs: number;
  status: number;
}

/** Fills in who answered, the tokens, the cost (discarded calls included) and the baseline's cost. */
export function settleRecord(record: RequestRecord, baseline: ModelInfo, r: SettledAnswer): void {
  const { model, attempts, discarded, ttftMs } = r.outcome;
  record.model = model.name;
  record.attempts = attempts;
  record.inputTokens = r.usage.inputTokens;
  record.outputTokens = r.usage.outputTokens;
  record.tokensEstimated = r.usage.estimated;
  const discardedCost = discarded.reduce((sum, d) => sum + (d.result.usage ? costOf(d.result.usage, d.model.pricing) : 0), 0);
  record.cost = costOf(r.usage, model.pricing) + discardedCost;
  record.baselineCost = costOf(r.usage, baseline.pricing);
  record.ttftMs = ttftMs;
  record.totalMs = r.totalMs;
  record.overheadMs = r.overheadMs;
  record.status = r.status;
}
