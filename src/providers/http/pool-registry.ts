/**
 * One undici Pool per upstream origin, shared by every model configured on that origin, so keep-alive
 * connections are reused across models (e.g. several models served by one vLLM or one OpenAI account).
 *
 * Adapters lease a pool and release it on close(); the pool closes when its last lease is released.
 * The first lease decides the pool's connection limit; later leases with a different limit share it.
 */
import { Pool } from 'undici';

export interface PoolLease {
  readonly pool: Pool;
  /** Idempotent: releasing twice counts once. */
  release(): Promise<void>;
}

export interface PoolOptions {
  /** Keep-alive connections to the origin. */
  connections: number;
}

interface Entry {
  pool: Pool;
  leases: number;
}

export class PoolRegistry {
  private readonly entries = new Map<string, Entry>();

  acquire(origin: string, options: PoolOptions): PoolLease {
    let entry = this.entries.get(origin);
    if (!entry) {
      // undici's default keepAliveTimeout (4 s) stays below common server idle timeouts (Node's 5 s,
      // nginx's 75 s), so a pooled socket is rarely reused just as the server closes it.
      entry = { pool: new Pool(origin, { connections: options.connections }), leases: 0 };
      this.entries.set(origin, entry);
    }
    entry.leases++;
    const held = entry;
    let released = false;
    return {
      pool: held.pool,
      release: async () => {
        if (released) return;
        released = true;
        held.leases--;
        if (held.leases > 0) return;
        if (this.entries.get(origin) === held) this.entries.delete(origin);
        await held.pool.close();
      },
    };
  }

  /** Number of live pools (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

/** The process-wide registry adapters use unless one is injected. */
export const sharedPoolRegistry = new PoolRegistry();
