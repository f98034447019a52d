/**
 * One privacy decision per request: run detection once, then say what the route's privacy mode does with
 * the findings (record, keep local, pseudonymise for the cloud, block). Everything downstream — the policy
 * verdicts, the fallback loop, the response header, the request log — reads this one assessment, so they
 * cannot disagree, and nothing here ever carries a found value outside `cloudView.mapping`.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { PrivacyOutcome } from '../spec/request-record.js';
import { countByType, detectPiiInRequest, type RequestPiiFinding } from './detect-pii.js';
import type { PiiType } from './pii-finding.js';
import { pseudonymiseFindings, type PseudonymMapping } from './pseudonymise.js';

export type PrivacyMode = 'detect' | 'local-only' | 'pseudonymise' | 'block';

export interface PrivacySettings {
  mode: PrivacyMode;
  /** Findings below this confidence are ignored. */
  threshold: number;
  /** Only these types count; all when absent. */
  types?: readonly PiiType[] | undefined;
}

export interface PrivacyAssessment {
  /** The route's mode, or null where no detection runs (a model named directly). */
  mode: PrivacyMode | null;
  /** Findings at or above the threshold, with where they are. Values stay inside the gateway. */
  findings: RequestPiiFinding[];
  counts: Partial<Record<PiiType, number>>;
  action: PrivacyOutcome['action'];
  /** Only local models may see this request: on the first try, every retry and every fallback. */
  localOnly: boolean;
  /** Why, without values: `header x-tandem-sensitive`, `found EMAIL_ADDRESS=2`. Null when nothing was found. */
  because: string | null;
  /** For `pseudonymise` with findings: what cloud models get instead, and how to map their answer back. */
  cloudView?: { request: ChatRequest; mapping: PseudonymMapping };
}

export function assessPrivacy(options: {
  request: ChatRequest;
  /** Undefined: detection is off, only the client's own marking counts. */
  settings: PrivacySettings | undefined;
  /** Set when the client marked the request sensitive, e.g. `header x-tandem-sensitive`. */
  markedBecause: string | null;
}): PrivacyAssessment | undefined {
  const { request, settings, markedBecause } = options;
  if (!settings) {
    if (markedBecause === null) return undefined;
    return { mode: null, findings: [], counts: {}, action: 'local-only', localOnly: true, because: markedBecause };
  }
  const detectOptions = settings.types ? { minConfidence: settings.threshold, types: settings.types } : { minConfidence: settings.threshold };
  const findings = detectPiiInRequest(request, detectOptions);
  const counts = countByType(findings);
  const found = findings.length > 0 ? `found ${formatCounts(counts)}` : null;
  const base = { mode: settings.mode, findings, counts };
  if (found === null) {
    return markedBecause === null
      ? { ...base, action: 'none', localOnly: false, because: null }
      : { ...base, action: 'local-only', localOnly: true, because: markedBecause };
  }
  if (settings.mode === 'block') return { ...base, action: 'blocked', localOnly: true, because: found };
  // The client's own marking wins over every other mode: it asked for local models only.
  if (markedBecause !== null) return { ...base, action: 'local-only', localOnly: true, because: `${markedBecause}, ${found}` };
  switch (settings.mode) {
    case 'detect':
      return { ...base, action: 'detected', localOnly: false, because: found };
    case 'local-only':
      return { ...base, action: 'local-only', localOnly: true, because: found };
    case 'pseudonymise':
      return { ...base, action: 'pseudonymised', localOnly: false, because: found, cloudView: pseudonymiseFindings(request, findings) };
  }
}

/** `EMAIL_ADDRESS=2,PHONE_NUMBER=1`, types in a fixed order: the only form findings take outside the gateway. */
export function formatCounts(counts: Partial<Record<PiiType, number>>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, n]) => `${type}=${n}`)
    .join(',');
}

/** What the request log keeps: the action and counts. */
export function privacyOutcome(assessment: PrivacyAssessment): PrivacyOutcome {
  return { action: assessment.action, findings: { ...assessment.counts } };
}

/** `x-tandem-privacy: pseudonymised; EMAIL_ADDRESS=2,PHONE_NUMBER=1` (no header where nothing ran). */
export function privacyHeaders(assessment: PrivacyAssessment | undefined): Record<string, string> {
  if (!assessment) return {};
  const counts = formatCounts(assessment.counts);
  return { 'x-tandem-privacy': counts ? `${assessment.action}; ${counts}` : assessment.action };
}
