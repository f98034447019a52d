/**
 * What a privacy decision needs from detection, computed in one place whether detection ran inline or on a
 * worker thread: the counts per type, whether a finding sits where no placeholder can stand, and (for a
 * pseudonymise route) the rewrite plan. Findings themselves are kept only inline (tests and small requests).
 */
import { countFindings, detectInTexts, type RequestDetectOptions, type RequestPiiFinding } from './detect-request-pii.js';
import type { PiiType } from './pii-finding.js';
import { planRewrite, type RewritePlan } from './pseudonymise.js';
import type { RequestText } from './request-texts.js';

export interface DetectionSummary {
  /** Each finding, when kept (inline detection); empty after a worker ran it (the counts still hold). */
  findings: RequestPiiFinding[];
  total: number;
  counts: Partial<Record<PiiType, number>>;
  /** A finding lies in an image URL or a tool name: no placeholder can stand there. */
  pinned: boolean;
  plan?: RewritePlan;
}

export function summarise(texts: readonly RequestText[], options: RequestDetectOptions, how: { rewrite: boolean; keepFindings: boolean }): DetectionSummary {
  const findings = detectInTexts(texts, options);
  const summary: DetectionSummary = {
    findings: how.keepFindings ? findings : [],
    total: findings.length,
    counts: countFindings(findings),
    pinned: findings.some((f) => f.pieces.some((p) => texts[p.text]?.onFinding === 'keep-local')),
  };
  if (how.rewrite && findings.length > 0) summary.plan = planRewrite(texts, findings);
  return summary;
}
