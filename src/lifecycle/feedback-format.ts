/** A request's latest feedback in one short table cell (`tandem logs`): `0.80 ✓ refund`, `-` when none. */
import type { FeedbackEntry } from '../store/feedback.js';

const MAX_LABEL_CHARS = 24;

export function formatFeedbackCell(entry: FeedbackEntry | undefined): string {
  if (entry === undefined) return '-';
  const parts: string[] = [];
  if (entry.score !== null) parts.push(entry.score.toFixed(2));
  if (entry.correct !== null) parts.push(entry.correct ? '✓' : '✗');
  if (entry.label !== null) parts.push(entry.label.length > MAX_LABEL_CHARS ? `${entry.label.slice(0, MAX_LABEL_CHARS - 1)}…` : entry.label);
  return parts.join(' ') || '-';
}
