/**
 * Creating, listing and revoking keys: shared by `tandem keys` and the admin API so both validate the
 * same way and show keys the same way (never the hash, the secret only once, at creation).
 */
import { z } from 'zod';
import type { ApiKeyRecord, ApiKeyStore, KeyLimits, KeyScope } from '../store/keys.js';
import { defaultKeyScope, keyStatus, mintApiKey } from './api-key-secret.js';
import { limitSetSchema } from './governance-schema.js';

export const newKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  routes: z.array(z.string().min(1)).optional(),
  models: z.array(z.string().min(1)).optional(),
  /** `routes`: only routes may be named in `model`. Unset: `routes` when routes are given without models, else `all`. */
  scope: z.enum(['all', 'routes']).optional(),
  limits: limitSetSchema.optional(),
  /** ms since the epoch or an ISO 8601 date/time. */
  expires_at: z.union([z.number().int().positive(), z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
});

export type NewKeyInput = z.input<typeof newKeyInputSchema>;

/** A key as people see it. */
export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  status: 'active' | 'revoked' | 'expired';
  routes: string[];
  models: string[];
  /** `routes`: the key may only name routes in `model`, never a model directly. */
  scope: KeyScope;
  limits: KeyLimits;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export function keyView(key: ApiKeyRecord, now: number): KeyView {
  const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    status: keyStatus(key, now),
    routes: key.routes,
    models: key.models,
    scope: key.scope,
    limits: { ...key.limits },
    created_at: new Date(key.createdAt).toISOString(),
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
  };
}

/**
 * Validates and stores a new key; returns it with its secret. Throws a ZodError on bad input (callers turn
 * it into a 400 or a CLI message) and an Error for an expiry in the past.
 */
export async function createApiKey(store: ApiKeyStore, input: unknown, now: number): Promise<{ key: KeyView; secret: string }> {
  const parsed = newKeyInputSchema.parse(input);
  let expiresAt: number | null = null;
  if (parsed.expires_at !== undefined) {
    expiresAt = typeof parsed.expires_at === 'number' ? parsed.expires_at : Date.parse(parsed.expires_at);
    if (expiresAt <= now) throw new Error(`expires_at ${new Date(expiresAt).toISOString()} is in the past`);
  }
  const limits: KeyLimits = { ...parsed.limits };
  const minted = mintApiKey({
    name: parsed.name,
    routes: parsed.routes ?? [],
    models: parsed.models ?? [],
    scope: parsed.scope ?? defaultKeyScope(parsed),
    limits,
    expiresAt,
    now,
  });
  await store.create(minted.record);
  return { key: keyView(minted.record, now), secret: minted.secret };
}

/** Revokes a key; undefined when there is no such key. */
export async function revokeApiKey(store: ApiKeyStore, id: string, now: number): Promise<KeyView | undefined> {
  if (!(await store.revoke(id, now))) return undefined;
  const key = await store.get(id);
  return key === undefined ? undefined : keyView(key, now);
}
