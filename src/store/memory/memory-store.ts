/**
 * An in-process store for `store: {type: memory}` and tests: nothing survives a restart, which is the
 * point. Records are copied on the way in and out so callers cannot change what was logged. It keeps the
 * last `maxRequests` requests, so a long-running gateway on it does not grow without bound.
 */
import { copyRequestRecord, type RequestRecord } from '../../spec/request-record.js';
import { memoryAuditLog } from '../audit-log-memory.js';
import { memoryApiKeyStore } from '../keys-memory.js';
import { memoryTaskExampleStore } from '../task-examples-memory.js';
import { memoryExperimentStore } from '../../lifecycle/experiment-store-memory.js';
import { memoryArtifactRegistry } from '../../lifecycle/registry-memory.js';
import { memoryCollectionStore } from '../../retrieval/collection-store-memory.js';
import { memoryFeedbackStore } from '../feedback-memory.js';
import { memoryFlowStepLog } from '../flow-steps-memory.js';
import { ArrivalQueue } from './arrival-queue.js';
import { createMemoryDashboard } from './memory-dashboard.js';
import type { StatsRow, Store } from '../request-log.js';
import { MemoryVectorIndex } from '../../vector/memory-vector-index.js';
import { MemoryAnswerCache } from '../../cache/memory-answer-cache.js';

export interface MemoryStoreOptions {
  /** When false, request and response bodies are dropped (default true, as in the config). */
  logBodies?: boolean;
  /** The oldest requests beyond this many (in arrival order) are forgotten (default: no limit). */
  maxRequests?: number;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const logBodies = options.logBodies ?? true;
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  // In arrival order; "most recent" sorts by time and breaks ties by this order, like the SQL stores.
  const records = new ArrivalQueue<RequestRecord>();
  const byId = new Map<string, RequestRecord>();

  return {
    requestLog: {
      async append(record: RequestRecord): Promise<void> {
        if (byId.has(record.id)) throw new Error(`request ${record.id} is already logged`);
        const copy = copyRequestRecord(record);
        if (!logBodies) {
          copy.requestBody = null;
          copy.responseBody = null;
        }
        records.push(copy);
        byId.set(copy.id, copy);
        while (records.length > maxRequests) byId.delete((records.shift() as RequestRecord).id);
      },
      async recent(query): Promise<RequestRecord[]> {
        const matching: Array<{ record: RequestRecord; index: number }> = [];
        let index = 0;
        for (const record of records) {
          index++;
          if (query.route !== undefined && record.route !== query.route) continue;
          if (query.model !== undefined && record.model !== query.model) continue;
          matching.push({ record, index });
        }
        matching.sort((a, b) => b.record.time - a.record.time || b.index - a.index);
        return matching.slice(0, Math.max(0, Math.floor(query.limit))).map((m) => copyRequestRecord(m.record));
      },
      async get(id: string): Promise<RequestRecord | undefined> {
        const record = byId.get(id);
        return record === undefined ? undefined : copyRequestRecord(record);
      },
      async deleteBefore(time: number): Promise<number> {
        const deleted = records.retain((r) => r.time >= time);
        for (const r of deleted) byId.delete(r.id);
        return deleted.length;
      },
      async spendSince(query): Promise<number> {
        let spend = 0;
        for (const r of records) if (r.keyId === query.keyId && r.time >= query.since) spend += r.cost;
        return spend;
      },
    },
    keys: memoryApiKeyStore(),
    taskExamples: memoryTaskExampleStore(),
    experiments: memoryExperimentStore(),
    registry: memoryArtifactRegistry(),
    collections: memoryCollectionStore(),
    vectors: new MemoryVectorIndex(),
    answerCache: new MemoryAnswerCache(),
    // Bounded like the requests it rates (store.max_requests).
    feedback: memoryFeedbackStore(maxRequests),
    flowSteps: memoryFlowStepLog(),
    audit: memoryAuditLog(),
    dashboard: createMemoryDashboard(records),
    stats: {
      async query(query): Promise<StatsRow[]> {
        const groups = new Map<string, StatsRow>();
        for (const r of records) {
          if (query.since !== undefined && r.time < query.since) continue;
          if (query.until !== undefined && r.time >= query.until) continue;
          const key = JSON.stringify([r.route, r.model]);
          let row = groups.get(key);
          if (row === undefined) {
            row = {
              route: r.route,
              model: r.model,
              requests: 0,
              errors: 0,
              inputTokens: 0,
              outputTokens: 0,
              cost: 0,
              baselineCost: 0,
              savings: 0,
            };
            groups.set(key, row);
          }
          row.requests += 1;
          if (r.status >= 400) row.errors += 1;
          row.inputTokens += r.inputTokens;
          row.outputTokens += r.outputTokens;
          row.cost += r.cost;
          row.baselineCost += r.baselineCost;
        }
        const rows = [...groups.values()].map((row) => ({ ...row, savings: row.baselineCost - row.cost }));
        // Same order as the SQL stores: by route then model, nulls first.
        return rows.sort((a, b) => compareNullsFirst(a.route, b.route) || compareNullsFirst(a.model, b.model));
      },
    },
    async close(): Promise<void> {},
  };
}

function compareNullsFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
