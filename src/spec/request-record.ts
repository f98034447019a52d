/** One row of the request log: everything needed to explain, bill and audit a request afterwards. */
export interface CandidateVerdict {
  model: string;
  allowed: boolean;
  /** Every policy's verdict on it, as `policy: reason`. */
  reasons: string[];
  /** The verdicts of the policies that refused it (a subset of reasons). */
  refusals: string[];
}

export interface RequestRecord {
  id: string;
  /** Milliseconds since the epoch when the request arrived. */
  time: number;
  /** Which API key made the call (its id, never the secret); null without auth. */
  keyId: string | null;
  /** The route name, or null when the client named a model directly. */
  route: string | null;
  /** What the client put in `model`. */
  requestedModel: string;
  /** The model that answered (or last failed). */
  model: string | null;
  candidates: CandidateVerdict[];
  /** Short text, as in x-tandem-route-reason. */
  reason: string;
  score: number | null;
  threshold: number | null;
  /** Models tried before the one that answered, with why each failed. */
  attempts: Array<{ model: string; error: string | null; durationMs: number }>;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  cost: number;
  /** What the same tokens would have cost on the route's baseline (most capable cloud) model. */
  baselineCost: number;
  ttftMs: number | null;
  totalMs: number;
  overheadMs: number;
  /** HTTP status returned to the client. */
  status: number;
  error: string | null;
  /**
   * What the route's privacy policy found and did: PII types with counts, never the values. Absent when no
   * privacy detection ran.
   */
  privacy?: PrivacyOutcome;
  /** The ids of the chunks a retrieval route put in front of the request (docs/retrieval.md); absent when none. */
  sources?: string[];
  /** The route's answer cache: hit (replayed, cost 0), miss or bypass (docs/caching.md); absent when it has none. */
  cache?: 'hit' | 'miss' | 'bypass';
  /** Present only when log_bodies is on. */
  requestBody: string | null;
  responseBody: string | null;
  /**
   * Set on `pseudonymise` routes with findings (unless `store.log_bodies: clear`): what the request log keeps
   * in place of the two bodies, values replaced by their placeholders. The audit still hashes the originals.
   */
  loggedBodies?: { request: string | null; response: string | null };
}

export interface PrivacyOutcome {
  /** The policy mode that ran and what it did to this request. */
  action: 'detected' | 'local-only' | 'pseudonymised' | 'blocked' | 'none';
  /** Findings by PII type (e.g. EMAIL_ADDRESS: 2); counts only. */
  findings: Record<string, number>;
}

/**
 * A deep copy of a record, field by field: the in-process store keeps its own copy of what was logged.
 * About 45x cheaper than structuredClone for a record with ~1 KB of bodies (0.23 vs 10.5 µs), which made
 * `store: memory` the slowest store under load. A nested field added to RequestRecord must be copied here
 * too; the store contract test (request-log.contract.ts) mutates every nested field of a logged record to
 * catch one that is shared.
 */
export function copyRequestRecord(record: RequestRecord): RequestRecord {
  const copy: RequestRecord = {
    ...record,
    candidates: record.candidates.map((c) => ({ ...c, reasons: [...c.reasons], refusals: [...c.refusals] })),
    attempts: record.attempts.map((a) => ({ ...a })),
  };
  if (record.sources !== undefined) copy.sources = [...record.sources];
  if (record.privacy !== undefined) copy.privacy = { ...record.privacy, findings: { ...record.privacy.findings } };
  return copy;
}
