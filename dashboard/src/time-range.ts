/**
 * The ranges the selector offers, each with a bucket width that gives 24-90 bars. The window's end is
 * rounded up to a whole bucket so bars keep their boundaries from one poll to the next. Ranges of a day or
 * more use whole-hour buckets, so they start on the hour: PostgreSQL answers that grid from its hourly
 * rollups instead of scanning a day's requests.
 */
export interface TimeRange {
  key: string;
  label: string;
  ms: number;
  bucketMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const TIME_RANGES: readonly TimeRange[] = [
  { key: '5m', label: '5 min', ms: 5 * MINUTE, bucketMs: 10_000 },
  { key: '15m', label: '15 min', ms: 15 * MINUTE, bucketMs: 30_000 },
  { key: '1h', label: '1 hour', ms: HOUR, bucketMs: MINUTE },
  { key: '6h', label: '6 hours', ms: 6 * HOUR, bucketMs: 5 * MINUTE },
  { key: '24h', label: '24 hours', ms: 24 * HOUR, bucketMs: HOUR },
  { key: '7d', label: '7 days', ms: 7 * 24 * HOUR, bucketMs: 3 * HOUR },
];

export function windowFor(range: TimeRange, now: number): { since: number; until: number; bucket: number } {
  const until = Math.ceil((now + 1) / range.bucketMs) * range.bucketMs;
  return { since: until - range.ms, until, bucket: range.bucketMs };
}
