/**
 * One circuit per upstream (ModelInfo.upstreamKey). Consecutive failures open it; while open, calls are
 * refused without touching the upstream; after the cooldown one probe goes through (half-open), and its
 * outcome closes or re-opens the circuit.
 *
 * Only the upstream's own answers count: a failure on Tandem's side of the call (building or encoding the
 * request, reading the answer) is neither a success nor a failure; it only hands back a probe slot
 * (`release`), see execute-plan.ts.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

interface Circuit {
  failures: number;
  openedAt: number;
  state: CircuitState;
  probeInFlight: boolean;
}

/**
 * Shares circuit openings between replicas (src/cluster/shared-breaker-state.ts). The breaker only tells it
 * about transitions, without awaiting; what other replicas learn comes back through `applyRemote`, so
 * `tryAcquire` stays a local map lookup.
 */
export interface SharedCircuitBackend {
  opened(key: string, cooldownMs: number): void;
  closed(key: string): void;
  /** True while the shared state is unreachable and configured to fail closed: refuse every call. */
  readonly refuseAll: boolean;
}

export type RemoteCircuitUpdate = { state: 'open'; remainingMs: number } | { state: 'closed' };

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  shared?: SharedCircuitBackend;
}

export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly now: () => number;
  /** Set after construction when the cluster's Redis connection is up (see Gateway.create). */
  shared: SharedCircuitBackend | undefined;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
    this.shared = options.shared;
  }

  /** True when a call to this upstream may go ahead now (claims the probe slot when half-open). */
  tryAcquire(key: string): boolean {
    if (this.shared?.refuseAll) return false;
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.state === 'closed') return true;
    if (circuit.state === 'open') {
      if (this.now() - circuit.openedAt < this.options.cooldownMs) return false;
      circuit.state = 'half-open';
      circuit.probeInFlight = false;
    }
    if (circuit.probeInFlight) return false;
    circuit.probeInFlight = true;
    return true;
  }

  recordSuccess(key: string): void {
    const circuit = this.circuits.get(key);
    if (!circuit) return;
    const wasOpen = circuit.state !== 'closed';
    circuit.failures = 0;
    circuit.state = 'closed';
    circuit.probeInFlight = false;
    if (wasOpen) this.shared?.closed(key);
  }

  /**
   * The call that `tryAcquire` allowed never got an answer from the upstream, because Tandem failed before or
   * after it: the circuit stays as it is, only a half-open probe slot is freed for the next call.
   */
  release(key: string): void {
    const circuit = this.circuits.get(key);
    if (circuit?.state === 'half-open') circuit.probeInFlight = false;
  }

  recordFailure(key: string): void {
    let circuit = this.circuits.get(key);
    if (!circuit) {
      circuit = { failures: 0, openedAt: 0, state: 'closed', probeInFlight: false };
      this.circuits.set(key, circuit);
    }
    circuit.failures++;
    circuit.probeInFlight = false;
    if (circuit.state === 'half-open' || circuit.failures >= this.options.failureThreshold) {
      const wasOpen = circuit.state === 'open';
      circuit.state = 'open';
      circuit.openedAt = this.now();
      if (!wasOpen) this.shared?.opened(key, this.options.cooldownMs);
    }
  }

  /** What another replica found: an opening (with the cooldown it has left) or a successful probe. */
  applyRemote(key: string, update: RemoteCircuitUpdate): void {
    let circuit = this.circuits.get(key);
    if (update.state === 'closed') {
      if (circuit && circuit.state !== 'closed') {
        circuit.state = 'closed';
        circuit.failures = 0;
        circuit.probeInFlight = false;
      }
      return;
    }
    // Remaining time, not the other replica's clock: replicas' clocks may disagree.
    const openedAt = this.now() - (this.options.cooldownMs - Math.min(update.remainingMs, this.options.cooldownMs));
    if (!circuit) {
      circuit = { failures: 0, openedAt, state: 'open', probeInFlight: false };
      this.circuits.set(key, circuit);
      return;
    }
    if (circuit.state === 'open' && circuit.openedAt >= openedAt) return;
    circuit.state = 'open';
    circuit.openedAt = openedAt;
    circuit.probeInFlight = false;
  }

  state(key: string): CircuitState {
    const circuit = this.circuits.get(key);
    if (!circuit) return 'closed';
    if (circuit.state === 'open' && this.now() - circuit.openedAt >= this.options.cooldownMs) return 'half-open';
    return circuit.state;
  }
}
