/**
 * Feedback on logged requests (docs/lifecycle.md#feedback): a score, a label or a verdict that a client or
 * a person gives a request after it was answered. Several entries per request are kept (the latest wins
 * where one value is needed); each carries the request's route and model, copied when it is recorded, so
 * training and export read a route's feedback without a join.
 */

/**
 * Who judged: `client` (POST /v1/feedback or the header form), or `shadow` (a shadow pair on a learned
 * route: the small model's answer to a sampled request judged against the large model's, by the route's
 * verifier or a judge model; lifecycle/router-training-shadow.ts). Reads default to `client`.
 */
export type FeedbackSource = 'client' | 'shadow';

export interface FeedbackInput {
  requestId: string;
  source: FeedbackSource;
  /** The route and model of the rated request, as logged. */
  route: string | null;
  model: string | null;
  /** Who rated it: the API key's id, `admin` for the admin key, null without auth. */
  keyId: string | null;
  /** Milliseconds since the epoch. */
  time: number;
  /** In [0, 1]. */
  score: number | null;
  label: string | null;
  correct: boolean | null;
  comment: string | null;
}

export interface FeedbackEntry extends FeedbackInput {
  /** Insertion order within the store: breaks ties between entries of the same millisecond. */
  seq: number;
}

export interface FeedbackStore {
  /** Adds an entry; returns it with its seq. */
  record(entry: FeedbackInput): Promise<FeedbackEntry>;
  /** Every entry of a request, oldest first. */
  forRequest(requestId: string): Promise<FeedbackEntry[]>;
  /** The latest entry of `source` (default client) of each of these requests that has one. */
  latest(requestIds: readonly string[], source?: FeedbackSource): Promise<Map<string, FeedbackEntry>>;
  /** The latest entry of `source` (default client) per request of a route (all routes when absent) recorded in [since, until), oldest first. */
  latestByRoute(options: { route?: string; since?: number; until?: number; source?: FeedbackSource }): Promise<FeedbackEntry[]>;
  /** Deletes the entries recorded before `time` (retention, like the request log); returns how many. */
  deleteBefore(time: number): Promise<number>;
}
