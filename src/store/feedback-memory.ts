/** FeedbackStore in memory (store type `memory` and tests). Keeps the latest `maxEntries` entries (default: no limit). */
import type { FeedbackEntry, FeedbackStore } from './feedback.js';

export function memoryFeedbackStore(maxEntries = Number.POSITIVE_INFINITY): FeedbackStore {
  let entries: FeedbackEntry[] = [];
  let seq = 0;
  const copy = (e: FeedbackEntry): FeedbackEntry => ({ ...e });
  return {
    async record(entry) {
      const stored: FeedbackEntry = { ...entry, seq: ++seq };
      entries.push(stored);
      if (entries.length > maxEntries) entries.shift();
      return copy(stored);
    },
    async forRequest(requestId) {
      return entries.filter((e) => e.requestId === requestId).map(copy);
    },
    async latest(requestIds, source = 'client') {
      const wanted = new Set(requestIds);
      const latest = new Map<string, FeedbackEntry>();
      for (const e of entries) if (wanted.has(e.requestId) && e.source === source) latest.set(e.requestId, copy(e));
      return latest;
    },
    async latestByRoute(options) {
      const latest = new Map<string, FeedbackEntry>();
      for (const e of entries) {
        if (e.source !== (options.source ?? 'client')) continue;
        if (options.route !== undefined && e.route !== options.route) continue;
        if (options.since !== undefined && e.time < options.since) continue;
        if (options.until !== undefined && e.time >= options.until) continue;
        latest.set(e.requestId, copy(e));
      }
      return [...latest.values()].sort((a, b) => a.time - b.time || a.seq - b.seq);
    },
    async deleteBefore(time) {
      const before = entries.length;
      entries = entries.filter((e) => e.time >= time);
      return before - entries.length;
    },
  };
}
