/**
 * The end user's id as a cloud model gets it on a route with a privacy policy: a keyed hash, never the
 * value. Clients put e-mail addresses, account numbers and names in `user` (and `safety_identifier`); the
 * provider only needs a stable id per user for its abuse tracking, which the hash keeps (the same user and
 * key give the same id), while without the key the id cannot be reversed by hashing a list of addresses.
 *
 * The key is the privacy policy's `user_key` (shared by every replica, so a user keeps one id across them
 * and across restarts), or else a random key made once per process (docs/decisions/pii-carriers.md).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ChatRequest } from '../spec/chat-request.js';

let processKey: Buffer | undefined;

/** The key for routes without `user_key`: random, made on first use, the same for the life of the process. */
function perProcessKey(): Buffer {
  processKey ??= randomBytes(32);
  return processKey;
}

/**
 * `u-` and 32 hex digits (128 bits of HMAC-SHA256). Domain-separated from the audit log's hash of the same
 * field (audit-entry.ts), so the id a provider sees cannot be matched with audit records even under one key.
 */
export function upstreamUserId(user: string, key?: string): string {
  return `u-${createHmac('sha256', key ?? perProcessKey())
    .update('tandem upstream user\u0000')
    .update(user)
    .digest('hex')
    .slice(0, 32)}`;
}

/** A copy of `request` whose end-user ids (`user`, `safety_identifier`) are hashed; the request itself when it has none. */
export function withHashedUser<R extends Pick<ChatRequest, 'params' | 'extra'>>(request: R, key?: string): R {
  const { user } = request.params;
  const safety = request.extra.safety_identifier;
  if (user === undefined && typeof safety !== 'string') return request;
  let out = request;
  if (user !== undefined) out = { ...out, params: { ...out.params, user: upstreamUserId(user, key) } };
  if (typeof safety === 'string') out = { ...out, extra: { ...out.extra, safety_identifier: upstreamUserId(safety, key) } };
  return out;
}
