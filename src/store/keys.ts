/**
 * API keys as the store keeps them: the secret itself is never stored, only its SHA-256. The gateway
 * reads keys through an in-memory cache (governance/api-key-cache.ts) that polls `changeToken()`, so
 * the hot path never queries the database and keys created by the CLI or another replica show up
 * within a poll interval.
 */

/**
 * A key's own limits; every field optional (unset: the config's `limits.per_key`). Spend is in the pricing
 * currency. Named as in tandem.yaml and the LimitStore (governance/limit-store.ts), so no mapping is needed.
 */
export interface KeyLimits {
  requests_per_minute?: number;
  tokens_per_minute?: number;
  spend_per_day?: number;
  spend_per_month?: number;
  concurrent_requests?: number;
}

/**
 * What a key may name in a request's `model`: `all` (routes and models), or `routes` only, so that every
 * request goes through a route and its policies (docs/decisions/key-scopes.md).
 */
export type KeyScope = 'all' | 'routes';

export interface ApiKeyRecord {
  /** Public id, e.g. `key_3f9a1c2b` (shown in logs, audit records and the admin API). */
  id: string;
  name: string;
  /** Hex SHA-256 of the whole secret (`tdm_…`). Unique. */
  hash: string;
  /** The first characters of the secret (e.g. `tdm_3f9a`), so people can tell keys apart. */
  prefix: string;
  /** Route names this key may call; globs (`*`, `?`). `['*']`: all. */
  routes: string[];
  /** Models this key may reach, named directly (scope `all`) or through a route; globs. `['*']`: all. */
  models: string[];
  scope: KeyScope;
  limits: KeyLimits;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface ApiKeyStore {
  /** Rejects when the id or the hash already exists. */
  create(key: ApiKeyRecord): Promise<void>;
  /** Every key, revoked and expired ones included, oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Sets revokedAt (first revocation wins); false when there is no such key. */
  revoke(id: string, at: number): Promise<boolean>;
  /**
   * A short string that changes whenever any key is created or revoked. Cheap (one aggregate query), so
   * every replica can poll it every few seconds and reload the key list only on change.
   */
  changeToken(): Promise<string>;
}
