/**
 * The exact cache's key: a SHA-256 of the normalised request fields a route's `cache.key` names, so two
 * requests that differ only in what the key leaves out (or in JSON key order, or the stream flag) share an
 * answer. The semantic cache uses `settingsKey` (everything but the messages) to keep its spaces apart: a
 * semantic hit only ever replays an answer made with the same model, tools and sampling.
 */
import { createHash } from 'node:crypto';
import type { ChatRequest } from '../spec/chat-request.js';
import type { RouteCacheConfig } from './cache-schema.js';

type KeyField = RouteCacheConfig['key'][number];

export function exactKey(request: ChatRequest, fields: readonly KeyField[]): string {
  return digest(keyParts(request, fields));
}

/** The key of every field but the messages: what a semantic match must share exactly. */
export function settingsKey(request: ChatRequest, fields: readonly KeyField[]): string {
  return digest(
    keyParts(
      request,
      fields.filter((f) => f !== 'messages'),
    ),
  ).slice(0, 16);
}

function keyParts(request: ChatRequest, fields: readonly KeyField[]): Record<string, unknown> {
  const p = request.params;
  const parts: Record<string, unknown> = {};
  for (const field of fields) {
    switch (field) {
      case 'model':
        parts.model = request.model;
        break;
      case 'messages':
        parts.messages = request.messages.map((m) => ({
          role: m.role,
          content: m.content,
          name: m.name,
          tool_calls: m.tool_calls,
          tool_call_id: m.tool_call_id,
        }));
        break;
      case 'tools':
        parts.tools = [p.tools, p.tool_choice, p.parallel_tool_calls];
        break;
      case 'sampling':
        parts.sampling = [p.temperature, p.top_p, p.max_tokens, p.stop, p.seed, p.presence_penalty, p.frequency_penalty, p.n, p.logprobs, p.top_logprobs];
        break;
      case 'response_format':
        parts.response_format = p.response_format;
        break;
    }
  }
  return parts;
}

function digest(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** JSON with object keys sorted, undefined left out: the same value always gives the same text. */
export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
