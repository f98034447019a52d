/**
 * Minting API keys. The secret is `tdm_` + 32 random bytes in base64url (256 bits: guessing is hopeless,
 * so a fast unsalted SHA-256 is the right hash; slow password hashes exist for low-entropy secrets).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, KeyLimits, KeyScope } from '../store/keys.js';

export const KEY_SECRET_PREFIX = 'tdm_';

export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface NewApiKey {
  name: string;
  routes?: string[];
  models?: string[];
  limits?: KeyLimits;
  expiresAt?: number | null;
  /** Unset: defaultKeyScope. */
  scope?: KeyScope;
}

/**
 * A key given routes but no models is meant for those routes: it gets scope `routes`, so it cannot name a
 * model directly and skip the routes' policies. Otherwise `all`, as keys always were.
 */
export function defaultKeyScope(options: { routes?: readonly string[] | undefined; models?: readonly string[] | undefined }): KeyScope {
  return (options.routes?.length ?? 0) > 0 && (options.models?.length ?? 0) === 0 ? 'routes' : 'all';
}

/** A new key's record (to store) and its secret (to show once; it cannot be recovered afterwards). */
export function mintApiKey(options: NewApiKey & { now: number }): { record: ApiKeyRecord; secret: string } {
  const secret = `${KEY_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id: `key_${randomBytes(6).toString('hex')}`,
    name: options.name,
    hash: hashKeySecret(secret),
    prefix: secret.slice(0, KEY_SECRET_PREFIX.length + 6),
    routes: options.routes && options.routes.length > 0 ? options.routes : ['*'],
    models: options.models && options.models.length > 0 ? options.models : ['*'],
    limits: options.limits ?? {},
    createdAt: options.now,
    expiresAt: options.expiresAt ?? null,
    revokedAt: null,
    scope: options.scope ?? defaultKeyScope(options),
  };
  return { record, secret };
}

/** Where a key stands at `now`. */
export function keyStatus(key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: number): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}
