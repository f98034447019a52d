/**
 * One circuit per upstream (ModelInfo.upstreamKey). Consecutive failures open it; while open, calls are
 * refused without touching the upstream; after the cooldown one probe goes through (half-open), and its
 * outcome closes or re-opens the circuit.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

interface Circuit {
  failures: number;
  openedAt: number;
  state: CircuitState;
  probeInFlight: boolean;
}

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when a call to this upstream may go ahead now (claims the probe slot when half-open). */
  tryAcquire(key: string): boolean {
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
    circuit.failures = 0;
    circuit.state = 'closed';
    circuit.probeInFlight = false;
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
      circuit.state = 'open';
      circuit.openedAt = this.now();
    }
  }

  state(key: string): CircuitState {
    const circuit = this.circuits.get(key);
    if (!circuit) return 'closed';
    if (circuit.state === 'open' && this.now() - circuit.openedAt >= this.options.cooldownMs) return 'half-open';
    return circuit.state;
  }
}
