/** The Dashboard interface over the memory store's array, with the same results as the SQL backends. */
import { copyRequestRecord, type RequestRecord } from '../../spec/request-record.js';
import type { Dashboard, DashboardSeriesRows, LatencyBucketRow, PrivacyBucketRow, TrafficBucketRow } from '../dashboard.js';
import { latencySlot } from '../latency-histogram.js';
import { compareNullsFirst } from '../sql-dashboard-queries.js';

/**
 * `records` is the store's own request log, in arrival order (appends push, deletions keep order). Sequence
 * numbers for the paging cursor are handed out the first time a record is seen, which preserves that order.
 */
export function createMemoryDashboard(records: Iterable<RequestRecord>): Dashboard {
  const seqs = new WeakMap<RequestRecord, number>();
  let lastSeq = 0;
  function numbered(): Array<{ record: RequestRecord; seq: number }> {
    return Array.from(records, (record) => {
      let seq = seqs.get(record);
      if (seq === undefined) {
        seq = ++lastSeq;
        seqs.set(record, seq);
      }
      return { record, seq };
    });
  }

  return {
    async series(range): Promise<DashboardSeriesRows> {
      const traffic = new Map<string, TrafficBucketRow>();
      const latency = new Map<string, LatencyBucketRow>();
      const privacy = new Map<string, PrivacyBucketRow>();
      const findings: Record<string, number> = {};
      for (const r of records) {
        if (r.time < range.since || r.time >= range.until) continue;
        const bucket = r.time - ((r.time - range.since) % range.bucketMs);
        const t = getOrAdd(traffic, JSON.stringify([bucket, r.model]), () => ({
          bucket,
          model: r.model,
          requests: 0,
          errors: 0,
          clientErrors: 0,
          fallbacks: 0,
          inputTokens: 0,
          outputTokens: 0,
          cost: 0,
          baselineCost: 0,
        }));
        t.requests += 1;
        if (r.status >= 400) t.errors += 1;
        if (r.status >= 400 && r.status < 500) t.clientErrors += 1;
        if (r.attempts.some((a) => a.error !== null)) t.fallbacks += 1;
        t.inputTokens += r.inputTokens;
        t.outputTokens += r.outputTokens;
        t.cost += r.cost;
        t.baselineCost += r.baselineCost;
        if (r.status < 400) {
          for (const [metric, ms] of [
            ['total', r.totalMs],
            ['ttft', r.ttftMs],
          ] as const) {
            if (ms === null) continue;
            const slot = latencySlot(ms);
            getOrAdd(latency, JSON.stringify([bucket, r.model, metric, slot]), () => ({ bucket, model: r.model, metric, slot, count: 0 })).count += 1;
          }
        }
        if (r.privacy !== undefined) {
          getOrAdd(privacy, JSON.stringify([bucket, r.privacy.action]), () => ({ bucket, action: r.privacy?.action ?? '', requests: 0 })).requests += 1;
          for (const [type, n] of Object.entries(r.privacy.findings)) findings[type] = (findings[type] ?? 0) + n;
        }
      }
      return {
        traffic: [...traffic.values()].sort((a, b) => a.bucket - b.bucket || compareNullsFirst(a.model, b.model)),
        latency: [...latency.values()].sort(
          (a, b) => a.bucket - b.bucket || compareNullsFirst(a.model, b.model) || a.metric.localeCompare(b.metric) || a.slot - b.slot,
        ),
        privacy: [...privacy.values()].sort((a, b) => a.bucket - b.bucket || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0)),
        findings,
      };
    },
    async requests(options) {
      const limit = Math.max(0, Math.floor(options.limit));
      const before = options.before;
      const matching = numbered()
        .filter(({ record, seq }) => {
          if (options.since !== undefined && record.time < options.since) return false;
          if (options.until !== undefined && record.time >= options.until) return false;
          return before === undefined || record.time < before.time || (record.time === before.time && seq < before.seq);
        })
        .sort((a, b) => b.record.time - a.record.time || b.seq - a.seq);
      const page = matching.slice(0, limit).map(({ record, seq }) => ({ ...copyRequestRecord(record), seq }));
      const last = page[page.length - 1];
      return { records: page, next: matching.length > limit && last !== undefined ? { time: last.time, seq: last.seq } : null };
    },
  };
}

function getOrAdd<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
