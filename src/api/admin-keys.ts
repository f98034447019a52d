/**
 * The admin API for keys and the audit chain (server.admin_key), so remote operators need no shell:
 * GET /admin/keys, POST /admin/keys, POST /admin/keys/revoke, GET /admin/audit/verify.
 */
import { ZodError } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import { verifyAudit, type AuditVerification } from '../governance/audit-verify.js';
import { createApiKey, keyView, revokeApiKey, type KeyView } from '../governance/key-admin.js';
import { GatewayError } from '../spec/errors.js';
import { requestIssueToError } from './describe-request-issue.js';

export async function listKeysHandler(gateway: Gateway): Promise<{ object: 'list'; data: KeyView[] }> {
  const now = Date.now();
  return { object: 'list', data: (await gateway.store.keys.list()).map((k) => keyView(k, now)) };
}

/**
 * Body: {name, routes?, models?, scope?, limits?, expires_at?}; scope defaults to `routes` when routes are
 * given without models (key-admin.ts). The answer holds the secret; it is never shown again.
 */
export async function createKeyHandler(gateway: Gateway, body: unknown): Promise<{ key: KeyView; secret: string }> {
  try {
    const created = await createApiKey(gateway.store.keys, body, Date.now());
    await gateway.governance?.keys.refresh();
    return created;
  } catch (error) {
    if (error instanceof ZodError) {
      const described = requestIssueToError(error, body);
      throw new GatewayError({ status: 400, param: described.param, code: described.code, message: `Invalid key: ${described.message}` });
    }
    if (error instanceof Error && error.message.includes('in the past')) throw new GatewayError({ status: 400, param: 'expires_at', message: error.message });
    throw error;
  }
}

/** Body: {id}. */
export async function revokeKeyHandler(gateway: Gateway, body: unknown): Promise<{ key: KeyView }> {
  const id = typeof body === 'object' && body !== null && 'id' in body ? body.id : undefined;
  if (typeof id !== 'string' || id === '') throw new GatewayError({ status: 400, param: 'id', message: 'Send {"id": "<key id>"} to revoke a key.' });
  const key = await revokeApiKey(gateway.store.keys, id, Date.now());
  if (key === undefined) throw new GatewayError({ status: 404, code: 'key_not_found', param: 'id', message: `No API key ${id}.` });
  await gateway.governance?.keys.refresh();
  return { key };
}

/** Every chain's links and that every logged request has an audit record (governance/audit-verify.ts). */
export async function verifyAuditHandler(gateway: Gateway): Promise<AuditVerification> {
  return verifyAudit({ store: gateway.store, completeness: gateway.config.audit.enabled });
}
