/**
 * The admin API for retrieval collections (server.admin_key; docs/retrieval.md):
 * GET /admin/collections, GET /admin/collections/{name}, DELETE /admin/collections/{name} (chunks, documents
 * and vectors), POST /admin/collections/{name}/documents (ingest; the collection is created on first use).
 *
 * Documents come as JSON: `{documents: [{source, text} | {source, content_base64}], private?, text_field?}`;
 * the source's extension says how to read it (.txt, .md, .pdf, .jsonl), so a PDF comes base64-encoded.
 */
import { z } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import type { CollectionInfo } from '../retrieval/collection-store.js';
import type { IngestReport } from '../retrieval/collection-service.js';
import { collectionsOf } from '../retrieval/retrieval-stage.js';
import { GatewayError } from '../spec/errors.js';
import { requestIssueToError } from './describe-request-issue.js';
import { parseJsonBody } from './read-body.js';

export const COLLECTIONS_PATH = '/admin/collections';

/** As `GET /` lists them to the admin key. */
export const COLLECTION_ENDPOINTS = [
  `GET ${COLLECTIONS_PATH}`,
  `GET ${COLLECTIONS_PATH}/{name}`,
  `DELETE ${COLLECTIONS_PATH}/{name}`,
  `POST ${COLLECTIONS_PATH}/{name}/documents`,
] as const;

const ingestBody = z.strictObject({
  documents: z
    .array(
      z.union([
        z.strictObject({ source: z.string().min(1).max(1024), text: z.string() }),
        z.strictObject({ source: z.string().min(1).max(1024), content_base64: z.string() }),
      ]),
    )
    .min(1),
  private: z.boolean().optional(),
  text_field: z.string().min(1).optional(),
});

type CollectionView = Omit<CollectionInfo, 'embedderState'>;

/** What an admin collections request does: its status and JSON answer. */
export type CollectionOperation = (gateway: Gateway, bodyText: string, signal: AbortSignal) => Promise<{ status: number; body: unknown }>;

/** The operation a method and path under /admin/collections name, or undefined when they name none. */
export function adminCollectionOperation(method: string, path: string): CollectionOperation | undefined {
  if (path === COLLECTIONS_PATH || path === `${COLLECTIONS_PATH}/`) {
    if (method !== 'GET') return methodNotAllowed(method, path, 'GET');
    return async (gateway) => ({ status: 200, body: { object: 'list', data: (await collectionsOf(gateway).list()).map(view) } });
  }
  if (!path.startsWith(`${COLLECTIONS_PATH}/`)) return undefined;
  const parts = path.slice(COLLECTIONS_PATH.length + 1).split('/');
  const name = decodeName(parts[0] ?? '');
  if (parts.length === 1) {
    if (method === 'GET') return async (gateway) => ({ status: 200, body: view(await collectionsOf(gateway).get(name)) });
    if (method === 'DELETE') {
      return async (gateway) => {
        await collectionsOf(gateway).delete(name);
        return { status: 200, body: { object: 'collection.deleted', collection: name, deleted: true } };
      };
    }
    return methodNotAllowed(method, path, 'GET, DELETE');
  }
  if (parts.length === 2 && parts[1] === 'documents') {
    if (method !== 'POST') return methodNotAllowed(method, path, 'POST');
    return async (gateway, bodyText, signal) => {
      const report = await ingest(gateway, name, parseJsonBody(bodyText, gateway.config.server), signal);
      return { status: 200, body: { object: 'collection.ingest', ...report } };
    };
  }
  return undefined;
}

async function ingest(gateway: Gateway, name: string, json: unknown, signal: AbortSignal): Promise<IngestReport> {
  const parsed = ingestBody.safeParse(json);
  if (!parsed.success) throw requestIssueToError(parsed.error, json);
  const files = parsed.data.documents.map((d, i) => {
    if ('text' in d) return { source: d.source, bytes: new TextEncoder().encode(d.text) };
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(d.content_base64)) {
      throw new GatewayError({
        status: 400,
        param: `documents[${i}].content_base64`,
        code: 'invalid_document',
        message: `documents[${i}].content_base64 is not base64.`,
      });
    }
    return { source: d.source, bytes: new Uint8Array(Buffer.from(d.content_base64, 'base64')) };
  });
  return collectionsOf(gateway).ingest(name, files, {
    signal,
    ...(parsed.data.private === undefined ? {} : { private: parsed.data.private }),
    ...(parsed.data.text_field === undefined ? {} : { textField: parsed.data.text_field }),
  });
}

function view(info: CollectionInfo): CollectionView {
  const { embedderState: _state, ...rest } = info;
  return rest;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new GatewayError({ status: 400, param: 'collection', message: `The collection name "${raw}" is not valid percent-encoding.` });
  }
}

function methodNotAllowed(method: string, path: string, allowed: string): CollectionOperation {
  return async () => {
    throw new GatewayError({ status: 405, code: 'method_not_allowed', message: `${method} is not allowed on ${path}; use ${allowed}.` });
  };
}
