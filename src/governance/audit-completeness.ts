/**
 * Completeness: every request the request log kept must have an audit record. A failed audit append
 * only costs the request a line on stderr (the answer still goes out), so without this check a lost
 * record is invisible to `tandem audit verify`: the chain it never reached is intact.
 *
 * The audited request ids are kept as 52-bit hashes in one sorted Float64Array (8 bytes an id, so 10
 * million records take 80 MB instead of the ~1 GB a Set of strings would), then the request log is paged
 * through and each id looked up. A missing id is reported unless its hash collides with an audited one's:
 * with n audited ids that chance is about n / 2^52 (2e-9 at 10 million), per missing id.
 */
import type { Dashboard, RequestCursor } from '../store/dashboard.js';

const TWO_32 = 2 ** 32;

/** FNV-1a over UTF-16 code units, 32 bits, from a given offset basis. */
function fnv1a(text: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Two independent 32-bit hashes, 20 + 32 bits of them: an integer a float64 holds exactly. */
function hash52(text: string): number {
  return (fnv1a(text, 0x811c9dc5) & 0xfffff) * TWO_32 + fnv1a(text, 0x050c5d1f);
}

export class AuditedRequestIds {
  private hashes = new Float64Array(1_024);
  private size = 0;
  private sorted = true;

  add(requestId: string): void {
    if (this.size === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = hash52(requestId);
    this.sorted = false;
  }

  get count(): number {
    return this.size;
  }

  has(requestId: string): boolean {
    if (!this.sorted) {
      this.hashes = this.hashes.slice(0, this.size).sort();
      this.sorted = true;
    }
    const wanted = hash52(requestId);
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.hashes[mid]!;
      if (value === wanted) return true;
      if (value < wanted) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

export interface CompletenessReport {
  /** The request-log range checked: [since, until) by request arrival time (ms since the epoch). */
  since: number;
  until: number;
  /** Request-log rows in the range. */
  requests: number;
  /** Of those, rows with no audit record. */
  missing: number;
  /** The first (newest) missing request ids, at most `sampleSize`. */
  missingIds: string[];
}

/** Missing ids kept for the report and the re-check; beyond this only the count grows. */
const KEEP_MISSING = 100_000;

/** Pages through the request log's rows in [since, until) and returns the ids with no audit record. */
export async function findUnauditedRequests(o: {
  dashboard: Pick<Dashboard, 'requests'>;
  audited: AuditedRequestIds;
  since: number;
  until: number;
  pageSize?: number;
}): Promise<{ requests: number; missingCount: number; missing: string[] }> {
  const missing: string[] = [];
  let missingCount = 0;
  let requests = 0;
  let before: RequestCursor | undefined;
  for (;;) {
    const page = await o.dashboard.requests({ limit: o.pageSize ?? 1_000, since: o.since, until: o.until, ...(before === undefined ? {} : { before }) });
    for (const record of page.records) {
      requests++;
      if (o.audited.has(record.id)) continue;
      missingCount++;
      if (missing.length < KEEP_MISSING) missing.push(record.id);
    }
    if (page.next === null) break;
    before = page.next;
  }
  return { requests, missingCount, missing };
}
