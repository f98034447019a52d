/**
 * What the request log keeps of a `pseudonymise` route's bodies: by default the request as cloud models
 * received it (placeholders in place of every finding, in every field) and the answer with each restored
 * value put back as its placeholder, so the log holds no value the route was set to hide. The client's
 * clear body is kept only with `store.log_bodies: clear`. The audit record still hashes the original
 * bodies (a client holding its request can find its record), which is why this goes into a separate field.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { PrivacyAssessment } from './assess-privacy.js';
import type { PseudonymMapping } from './restore-placeholders.js';

/** `store.log_bodies`: off, on (placeholders on pseudonymise routes), or on with clear bodies everywhere. */
export type LogBodiesSetting = boolean | 'clear';

/** Sets `record.loggedBodies` where the route pseudonymised the request; call before the record is finished. */
export function protectLoggedBodies(record: RequestRecord, privacy: PrivacyAssessment | undefined, setting: LogBodiesSetting): void {
  const view = privacy?.cloudView;
  // Other modes have a cloud copy too (the end user's id hashed), but their bodies are logged as they came.
  if (!view || setting !== true || privacy?.mode !== 'pseudonymise') return;
  record.loggedBodies = {
    request: record.requestBody === null ? null : JSON.stringify(chatRequestToWire(view.request)),
    response: record.responseBody === null ? null : hideValues(record.responseBody, view.mapping),
  };
}

/** The OpenAI chat body a ChatRequest stands for (before any adapter maps the model name). */
export function chatRequestToWire(request: ChatRequest): Record<string, unknown> {
  const { max_tokens: maxTokens, ...params } = request.params;
  const body: Record<string, unknown> = { ...request.extra, model: request.model, messages: request.messages };
  for (const [key, value] of Object.entries(params) as Array<[string, unknown]>) if (value !== undefined) body[key] = value;
  if (maxTokens !== undefined) body['max_completion_tokens' in request.extra ? 'max_completion_tokens' : 'max_tokens'] = maxTokens;
  if (request.stream) body.stream = true;
  if (request.includeUsage) body.stream_options = { include_usage: true };
  return body;
}

/** Every value of `mapping` found in the body's strings (and keys) replaced by its placeholder, longest first. */
export function hideValues(body: string, mapping: PseudonymMapping): string {
  // A value inside JSON text (tool-call arguments) appears escaped: hide that form too.
  const pairs = [...mapping]
    .flatMap(([placeholder, value]) => {
      const escaped = JSON.stringify(value).slice(1, -1);
      return escaped === value ? [[value, placeholder] as const] : [[value, placeholder] as const, [escaped, placeholder] as const];
    })
    .filter(([v]) => v.length > 0);
  pairs.sort((a, b) => b[0].length - a[0].length);
  const hide = (text: string): string => {
    let out = text;
    for (const [value, placeholder] of pairs) if (out.includes(value)) out = out.split(value).join(placeholder);
    return out;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return hide(body);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return hide(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [hide(k), walk(x)]));
    return v;
  };
  return JSON.stringify(walk(parsed));
}
