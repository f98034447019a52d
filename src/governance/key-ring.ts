/**
 * The API keys the gateway accepts, held in memory: static keys from `server.api_keys` plus the keys in
 * the store. Authentication is a hash and a Map lookup, never a database query; the ring reloads when
 * the store's change token moves (polled every few seconds, so keys made with `tandem keys create` or on
 * another replica take effect without a restart) and at once after a change through the admin API.
 *
 * Looking the SHA-256 up in a Map is not constant-time, which is harmless: the timing can at best
 * reveal bits of a hash of a 256-bit random secret, not the secret.
 */
import type { ApiKeyRecord, ApiKeyStore, KeyLimits, KeyScope } from '../store/keys.js';
import { hashKeySecret, keyStatus } from './api-key-secret.js';
import { compileGlobs } from './glob.js';

/** An authenticated caller, as the request path sees it. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  source: 'config' | 'store';
  limits: KeyLimits;
  /** `routes`: `model` must name a route; a model named directly is refused (Governance.authorize). */
  scope: KeyScope;
  allowsRoute(name: string): boolean;
  /** Whether the key may reach this model, through a route or (scope `all`) directly. */
  allowsModel(name: string): boolean;
}

export type KeyLookup = { status: 'active'; key: ApiKeyPrincipal } | { status: 'revoked' | 'expired'; id: string } | { status: 'unknown' };

interface RingEntry {
  principal: ApiKeyPrincipal;
  revokedAt: number | null;
  expiresAt: number | null;
}

export interface KeyRingOptions {
  store: ApiKeyStore;
  /** `server.api_keys`: accepted with every route and model allowed. */
  staticKeys: readonly string[];
  /** How often to poll the store's change token (default 2 s; 0: never, only refresh() reloads). */
  pollMs?: number;
  /** Reports a failed reload (the previous keys stay in force). */
  onError?: (error: unknown) => void;
}

export class KeyRing {
  private byHash = new Map<string, RingEntry>();
  private token: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private storedCount = 0;
  private reloading: Promise<void> | undefined;

  private constructor(private readonly options: KeyRingOptions) {}

  static async open(options: KeyRingOptions): Promise<KeyRing> {
    const ring = new KeyRing(options);
    await ring.refresh();
    const pollMs = options.pollMs ?? 2_000;
    if (pollMs > 0) {
      ring.timer = setInterval(() => void ring.poll(), pollMs);
      ring.timer.unref();
    }
    return ring;
  }

  /** True when any key exists (static or stored, revoked ones included): auth is then never implicit-off. */
  get hasKeys(): boolean {
    return this.options.staticKeys.length > 0 || this.storedCount > 0;
  }

  lookup(secret: string, now: number): KeyLookup {
    const entry = this.byHash.get(hashKeySecret(secret));
    if (entry === undefined) return { status: 'unknown' };
    const status = keyStatus(entry, now);
    return status === 'active' ? { status, key: entry.principal } : { status, id: entry.principal.id };
  }

  /** Reloads the stored keys now (after a change through the admin API). */
  async refresh(): Promise<void> {
    // One reload at a time; a caller arriving mid-reload waits for it and then reloads again.
    while (this.reloading) await this.reloading;
    this.reloading = this.reload().finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      if ((await this.options.store.changeToken()) !== this.token) await this.refresh();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private async reload(): Promise<void> {
    const token = await this.options.store.changeToken();
    const stored = await this.options.store.list();
    const next = new Map<string, RingEntry>();
    for (const secret of this.options.staticKeys) {
      const hash = hashKeySecret(secret);
      next.set(hash, { principal: staticPrincipal(hash), revokedAt: null, expiresAt: null });
    }
    for (const key of stored) next.set(key.hash, { principal: storedPrincipal(key), revokedAt: key.revokedAt, expiresAt: key.expiresAt });
    this.byHash = next;
    this.storedCount = stored.length;
    this.token = token;
  }
}

function staticPrincipal(hashHex: string): ApiKeyPrincipal {
  // The id static keys always had (a short hash), so existing logs keep matching.
  const id = `key-${hashHex.slice(0, 8)}`;
  return { id, name: 'server.api_keys', source: 'config', limits: {}, scope: 'all', allowsRoute: () => true, allowsModel: () => true };
}

function storedPrincipal(key: ApiKeyRecord): ApiKeyPrincipal {
  return {
    id: key.id,
    name: key.name,
    source: 'store',
    limits: key.limits,
    scope: key.scope,
    allowsRoute: compileGlobs(key.routes),
    allowsModel: compileGlobs(key.models),
  };
}
