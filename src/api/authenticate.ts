/**
 * Who is calling: the bearer token against the key ring (API endpoints) or the admin key (admin
 * endpoints). Errors are 401/403 in OpenAI's error JSON.
 *
 * `server.auth` decides when a key is needed: `keys` always, `none` never. Unset, a key is needed as soon
 * as any exists, and always on a non-loopback address; so `npm start` on a fresh install answers on
 * 127.0.0.1 without one, and creating the first key turns authentication on (docs/security.md).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TandemConfig } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import type { ApiKeyPrincipal, KeyRing } from '../governance/key-ring.js';
import { GatewayError } from '../spec/errors.js';

export interface Authenticator {
  /** The calling key, or null when authentication is off. Throws 401. */
  api(req: IncomingMessage): ApiKeyPrincipal | null;
  /** Throws 401 (wrong admin key) or 403 (admin endpoints disabled). */
  admin(req: IncomingMessage): void;
  /** True while API requests need no key. */
  readonly open: boolean;
}

/**
 * A 401, carrying what is known about the refused credential so the server can count it and sample it
 * into the audit log (auth-failure-recorder.ts): key guessing must be visible.
 */
export class AuthenticationError extends GatewayError {
  /** The key's id when the secret was a revoked or expired key's. */
  readonly keyId: string | null;
  /** The start of what was sent (secretPrefix), null when nothing was. */
  readonly keyPrefix: string | null;

  constructor(options: { code: string; message: string; token: string | undefined; keyId?: string }) {
    super({ status: 401, code: options.code, message: options.message });
    this.keyId = options.keyId ?? null;
    this.keyPrefix = options.token === undefined ? null : secretPrefix(options.token);
  }
}

export function createAuthenticator(options: {
  config: Pick<TandemConfig['server'], 'auth' | 'admin_key'>;
  keys: KeyRing;
  host: string;
  now?: () => number;
}): Authenticator {
  const { config, keys } = options;
  const now = options.now ?? Date.now;
  const loopback = isLoopback(options.host);
  const adminHash = config.admin_key === undefined ? undefined : sha256(config.admin_key);
  const isOpen = (): boolean => authIsOff({ auth: config.auth, loopback, hasKeys: keys.hasKeys });

  return {
    get open() {
      return isOpen();
    },
    api(req) {
      if (isOpen()) return null;
      const token = bearer(req);
      const hint = keys.hasKeys ? '' : ' No API keys exist yet: create one with `tandem keys create`, or set server.auth: none for local development.';
      if (token === undefined) {
        throw new AuthenticationError({
          code: 'missing_api_key',
          message: `Missing API key: send "Authorization: Bearer <key>" (or "x-api-key: <key>").${hint}`,
          token,
        });
      }
      const found = keys.lookup(token, now());
      if (found.status === 'active') return found.key;
      if (found.status === 'unknown') throw new AuthenticationError({ code: 'invalid_api_key', message: `Invalid API key.${hint}`, token });
      throw new AuthenticationError({
        code: `${found.status}_api_key`,
        message: `API key ${found.id} has ${found.status === 'revoked' ? 'been revoked' : 'expired'}; ask an administrator for a new one.`,
        token,
        keyId: found.id,
      });
    },
    admin(req) {
      if (adminHash === undefined) {
        if (isOpen()) return;
        throw new GatewayError({ status: 403, code: 'admin_disabled', message: 'Admin endpoints need server.admin_key in tandem.yaml.' });
      }
      const token = bearer(req);
      if (token === undefined) {
        throw new AuthenticationError({ code: 'missing_admin_key', message: 'Missing admin key: send "Authorization: Bearer <server.admin_key>".', token });
      }
      if (!timingSafeEqual(sha256(token), adminHash)) throw new AuthenticationError({ code: 'invalid_admin_key', message: 'Invalid admin key.', token });
    },
  };
}

/** The rule of `server.auth` (docs/security.md): explicit `none`, or unset on loopback while no key exists. */
export function authIsOff(o: { auth: 'keys' | 'none' | undefined; loopback: boolean; hasKeys: boolean }): boolean {
  return o.auth === 'none' || (o.auth === undefined && o.loopback && !o.hasKeys);
}

/** The auth scheme is case-insensitive and may be followed by any run of spaces (RFC 9110 §11.1, §11.4). */
const BEARER = /^bearer[ \t]+/i;

/** The key from `Authorization: Bearer …`, or else from `x-api-key` (how Anthropic's SDKs send it). */
function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) {
    const apiKey = req.headers['x-api-key'];
    const token = (Array.isArray(apiKey) ? apiKey[0] : apiKey)?.trim();
    return token === '' ? undefined : token;
  }
  const scheme = BEARER.exec(header);
  const token = scheme === null || header === undefined ? undefined : header.slice(scheme[0].length).trim();
  return token === '' ? undefined : token;
}

/**
 * Enough of a refused secret to tell attempts apart in the audit log, never enough to use: at most 10
 * characters (a managed key's stored prefix, `tdm_` and 6 more) and at most a quarter of what was sent.
 */
export function secretPrefix(token: string): string {
  return token.slice(0, Math.min(10, Math.floor(token.length / 4)));
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * For endpoints other than chat (embeddings, the routing dry run): 403 when the body's `model` names a
 * route or model the key may not use. Unknown names pass, so the endpoint answers its own 404.
 */
export function authorizeModelField(gateway: Gateway, key: ApiKeyPrincipal | null | undefined, body: unknown): void {
  if (!key || typeof body !== 'object' || body === null || !('model' in body) || typeof body.model !== 'string') return;
  const model = body.model;
  if (gateway.routes.has(model)) gateway.governance?.authorize(key, { route: model, requestedModel: model });
  else if (gateway.models.has(model)) gateway.governance?.authorize(key, { route: null, requestedModel: model });
}
