/**
 * What the pipeline (pipeline.ts) takes and gives back, apart from it so that stages it calls (flows/)
 * can answer in the same shapes without importing the pipeline itself (no import cycle).
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResult, StreamPart } from '../spec/stream-part.js';
import type { FinishReason, Usage } from '../spec/usage.js';
import type { Caller } from './caller.js';

export interface ChatCall {
  caller: Caller;
  /** Turns the client's body into a ChatRequest; what it throws is recorded and answered like any other failure. */
  parse: () => ChatRequest;
  /** Aborted when the client goes away: the upstream call is cancelled. */
  signal: AbortSignal;
  /** The answer in this edge's wire format, for the logged response body (called only when bodies are logged). */
  encodeForLog: (answer: { result: ChatResult; usage: Usage; model: string }) => string;
}

/** What every response says about how it was answered; the edge maps it onto its headers. */
export interface AnswerMeta {
  /** The model that answered, or null when none did. */
  model: string | null;
  /** Why: the route's reason, or the error's code. */
  reason: string;
  overheadMs: number;
  score: number | null;
  threshold: number | null;
  /** Rate-limit state, the privacy outcome and adapters' warnings, as HTTP headers. */
  headers: Record<string, string>;
}

export interface WholeAnswer {
  stream: false;
  request: ChatRequest;
  result: ChatResult;
  /** Settled: the upstream's own counts, or Tandem's (marked estimated). */
  usage: Usage;
  meta: AnswerMeta;
  /** `encodeForLog`'s output when bodies are logged (an edge can send it instead of encoding twice). */
  encoded: string | null;
}

/**
 * A stream's parts as an edge encodes them: the upstream's content parts, then exactly one of `finish` (with
 * the settled usage; yielded once the row is written) or `failed` (the upstream broke off mid-stream).
 */
export type AnswerPart =
  | Exclude<StreamPart, { type: 'start' | 'finish' | 'error' }>
  | { type: 'finish'; finishReason: FinishReason; usage: Usage }
  | { type: 'failed'; message: string };

export interface StreamedAnswer {
  stream: true;
  request: ChatRequest;
  meta: AnswerMeta;
  /** Iterate to the end (the row is written on the way): a client that left ends it early. */
  parts: AsyncIterable<AnswerPart>;
}

export type ChatAnswer = WholeAnswer | StreamedAnswer;
