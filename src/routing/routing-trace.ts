/**
 * How routing reports what it does without knowing who listens, as RequestObserver does for finished
 * requests: the telemetry layer installs a RoutingTrace while tracing is on (telemetry/tracing/routing-spans.ts).
 * Off, `routingTrace()` is undefined and every call site skips the work: one read per stage.
 */
import type { ModelInfo } from '../spec/model-info.js';
import type { RouterDecision } from './router.js';

/** A stage that has begun; `end` reports its result. */
export interface StageTrace<Result> {
  end(result: Result): void;
}

/** One call to an upstream: a first try, a retry or a fallback. */
export interface AttemptTrace {
  succeeded(): void;
  failed(error: unknown): void;
}

export interface RoutingTrace {
  /** Every policy judging every candidate. */
  policies(): StageTrace<{ allowed: readonly ModelInfo[]; refused: readonly string[] }>;
  /** The router choosing among the allowed, and the fallback order that follows. */
  routing(routerType: string): StageTrace<{ decision: RouterDecision; reason: string; order: readonly ModelInfo[] }>;
  /** `index`: the number of attempts before this one on the request (0: the router's choice, first try). */
  attempt(model: ModelInfo, index: number): AttemptTrace;
}

let installed: RoutingTrace | undefined;

export function routingTrace(): RoutingTrace | undefined {
  return installed;
}

/** Called by the telemetry layer when tracing starts (and with undefined when it stops). */
export function installRoutingTrace(trace: RoutingTrace | undefined): void {
  installed = trace;
}
