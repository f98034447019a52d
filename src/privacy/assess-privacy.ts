/**
 * One privacy decision per request: run detection once, then say what the route's privacy mode does with
 * the findings (record, keep local, pseudonymise for the cloud, block). Everything downstream — the policy
 * verdicts, the fallback loop, the response header, the request log — reads this one assessment, so they
 * cannot disagree, and nothing here ever carries a found value outside `findings` and `cloudView.mapping`.
 *
 * Every text-bearing field counts (request-texts.ts lists them). On `pseudonymise`, a finding in a field
 * that cannot carry a placeholder (an image URL the provider must fetch, a tool name the model must call)
 * keeps the request local, as `local-only` would. On every mode, a cloud model gets the end user's id
 * (`user`, `safety_identifier`) only as a keyed hash (upstream-user.ts), found or not.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { PrivacyOutcome } from '../spec/request-record.js';
import type { RequestDetectOptions, RequestPiiFinding } from './detect-request-pii.js';
import { summarise, type DetectionSummary } from './detection-summary.js';
import { detectOffLoop, OFF_LOOP_MIN_CHARS } from './detect-pii-pool.js';
import { cueGuardTexts } from './cue-guard.js';
import type { PiiType } from './pii-finding.js';
import { applyRewrite, type PseudonymMapping } from './pseudonymise.js';
import { requestTexts, textLength, type RequestText } from './request-texts.js';
import { withHashedUser } from './upstream-user.js';

export type PrivacyMode = 'detect' | 'local-only' | 'pseudonymise' | 'block';

export interface PrivacySettings {
  mode: PrivacyMode;
  /** Findings below this confidence are ignored. */
  threshold: number;
  /** Only these types count; all when absent. */
  types?: readonly PiiType[] | undefined;
  /** On `local-only`, keep a request local on a strong cue next to an identifier (cue-guard.ts). Default on. */
  cueGuard?: boolean | undefined;
  /** The key under which cloud models get the end user's id hashed; a per-process random key when absent. */
  userKey?: string | undefined;
}

export interface PrivacyAssessment {
  /** The route's mode, or null where no detection runs (a model named directly). */
  mode: PrivacyMode | null;
  /**
   * Findings at or above the threshold, with where they are; values stay inside the gateway. Empty when a
   * large request was detected on a worker thread (`counts` always holds the totals).
   */
  findings: RequestPiiFinding[];
  counts: Partial<Record<PiiType, number>>;
  action: PrivacyOutcome['action'];
  /** Only local models may see this request: on the first try, every retry and every fallback. */
  localOnly: boolean;
  /** Why, without values: `header x-tandem-sensitive`, `found EMAIL_ADDRESS=2`. Null when nothing was found. */
  because: string | null;
  /**
   * What cloud models get (unless `localOnly`): on `pseudonymise` with findings, the copy with placeholders
   * and how to map an answer back; on every mode, the end user's id hashed (the mapping empty when that is
   * all). On `pseudonymise` the request log keeps it in place of the client's body.
   */
  cloudView?: { request: ChatRequest; mapping: PseudonymMapping };
}

export interface AssessOptions {
  request: ChatRequest;
  /** Undefined: detection is off, only the client's own marking counts. */
  settings: PrivacySettings | undefined;
  /** Set when the client marked the request sensitive, e.g. `header x-tandem-sensitive`. */
  markedBecause: string | null;
}

function detectOptions(settings: PrivacySettings): RequestDetectOptions {
  return settings.types ? { minConfidence: settings.threshold, types: settings.types } : { minConfidence: settings.threshold };
}

/** The assessment, detection run here on the calling thread. */
export function assessPrivacy(options: AssessOptions): PrivacyAssessment | undefined {
  if (!options.settings) return unassessed(options.markedBecause);
  const texts = requestTexts(options.request);
  return decide(options, texts, summarise(texts, detectOptions(options.settings), { rewrite: options.settings.mode === 'pseudonymise', keepFindings: true }));
}

/**
 * The same assessment, with a large request's detection (OFF_LOOP_MIN_CHARS of text or more) run on a worker
 * thread, placeholder copy planned there too, so the event loop keeps serving other requests; small
 * requests are detected inline, with no hop.
 */
export async function assessPrivacyAsync(options: AssessOptions): Promise<PrivacyAssessment | undefined> {
  if (!options.settings) return unassessed(options.markedBecause);
  const texts = requestTexts(options.request);
  const rewrite = options.settings.mode === 'pseudonymise';
  const summary =
    textLength(texts) >= OFF_LOOP_MIN_CHARS
      ? await detectOffLoop(texts, detectOptions(options.settings), { rewrite })
      : summarise(texts, detectOptions(options.settings), { rewrite, keepFindings: true });
  return decide(options, texts, summary);
}

function unassessed(markedBecause: string | null): PrivacyAssessment | undefined {
  if (markedBecause === null) return undefined;
  return { mode: null, findings: [], counts: {}, action: 'local-only', localOnly: true, because: markedBecause };
}

function decide(options: AssessOptions, texts: readonly RequestText[], summary: DetectionSummary): PrivacyAssessment {
  const assessment = decideAction(options, texts, summary);
  if (assessment.localOnly && !assessment.cloudView) return assessment;
  // The end user's id never reaches a cloud model in clear, whatever detection found in it.
  const view = assessment.cloudView ?? { request: options.request, mapping: new Map<string, string>() };
  const hashed = withHashedUser(view.request, options.settings?.userKey);
  if (hashed === view.request) return assessment;
  const { mode, findings, counts, action, localOnly, because } = assessment;
  return { mode, findings, counts, action, localOnly, because, cloudView: { request: hashed, mapping: view.mapping } };
}

function decideAction(options: AssessOptions, texts: readonly RequestText[], summary: DetectionSummary): PrivacyAssessment {
  const { request, markedBecause } = options;
  const settings = options.settings as PrivacySettings;
  const { counts } = summary;
  const found = summary.total > 0 ? `found ${formatCounts(counts)}` : null;
  if (found === null) {
    if (markedBecause !== null) return assessed(settings, summary, 'local-only', true, markedBecause);
    // Nothing found, but "passport: <something>" is not a request to send to the cloud on a local-only route.
    const guarded = settings.mode === 'local-only' && settings.cueGuard !== false ? cueGuardTexts(texts) : null;
    return guarded
      ? assessed(settings, summary, 'local-only', true, `cue guard: ${guarded.kind} cue next to an identifier`)
      : assessed(settings, summary, 'none', false, null);
  }
  if (settings.mode === 'block') return assessed(settings, summary, 'blocked', true, found);
  // The client's own marking wins over every other mode: it asked for local models only.
  if (markedBecause !== null) return assessed(settings, summary, 'local-only', true, `${markedBecause}, ${found}`);
  switch (settings.mode) {
    case 'detect':
      return assessed(settings, summary, 'detected', false, found);
    case 'local-only':
      return assessed(settings, summary, 'local-only', true, found);
    case 'pseudonymise': {
      const cloudView = applyRewrite(request, texts, summary.plan ?? { mapping: new Map(), changed: new Map() });
      if (summary.pinned)
        return assessed(settings, summary, 'local-only', true, `${found} (in an image URL or tool name, which cannot carry a placeholder)`, cloudView);
      return assessed(settings, summary, 'pseudonymised', false, found, cloudView);
    }
  }
}

/**
 * An assessment as one object literal. `{ ...base, action, … }` adds properties its spread source lacks, which
 * V8 11 (Node 20) runs through a slow path: ~1-2 µs per object against ~50 ns, on every request here.
 */
function assessed(
  settings: PrivacySettings,
  summary: DetectionSummary,
  action: PrivacyOutcome['action'],
  localOnly: boolean,
  because: string | null,
  cloudView?: PrivacyAssessment['cloudView'],
): PrivacyAssessment {
  const assessment: PrivacyAssessment = { mode: settings.mode, findings: summary.findings, counts: summary.counts, action, localOnly, because };
  if (cloudView !== undefined) assessment.cloudView = cloudView;
  return assessment;
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
