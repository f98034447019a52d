/**
 * Pseudonymisation: replaces each finding with a stable placeholder (`<EMAIL_1>`, `<PERSON_2>`) before a
 * cloud model sees the request, and restores the originals in the answer, streamed or not.
 *
 * Within one request the same value always gets the same placeholder, across messages, parts and tool
 * arguments, so the model can still tell that two mentions are the same person. The mapping never leaves
 * the gateway: it lives as long as the request.
 */
import type { ChatMessage, ChatRequest, ContentPart } from '../spec/chat-request.js';
import { detectPii, detectPiiInRequest, type DetectPiiOptions, type PiiLocation, type RequestPiiFinding } from './detect-pii.js';
import type { PiiFinding, PiiType } from './pii-finding.js';

/** Placeholder → original value. */
export type PseudonymMapping = ReadonlyMap<string, string>;

const LABELS: Record<PiiType, string> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'SSN',
  IP_ADDRESS: 'IP',
  DATE_OF_BIRTH: 'DOB',
  STREET_ADDRESS: 'ADDRESS',
  API_KEY: 'API_KEY',
  SECRET: 'SECRET',
  PERSON: 'PERSON',
};

/** Matches any placeholder this module can produce. */
export const PLACEHOLDER_PATTERN = /<[A-Z][A-Z_]*_\d+>/g;

export interface Pseudonymiser {
  /** Replaces `findings` (non-overlapping, as detectPii returns them) in `text`. */
  replace(text: string, findings: readonly PiiFinding[]): string;
  /** Detects with `options` and replaces in one step. */
  pseudonymise(text: string): string;
  readonly mapping: PseudonymMapping;
}

/** A pseudonymiser whose placeholders stay stable across every text it is given. */
export function createPseudonymiser(options: DetectPiiOptions = {}): Pseudonymiser {
  const mapping = new Map<string, string>();
  const byValue = new Map<string, string>();
  const counters = new Map<string, number>();

  const placeholderFor = (type: PiiType, value: string): string => {
    const key = `${type}\u0000${value}`;
    const existing = byValue.get(key);
    if (existing) return existing;
    const label = LABELS[type];
    const n = (counters.get(label) ?? 0) + 1;
    counters.set(label, n);
    const placeholder = `<${label}_${n}>`;
    byValue.set(key, placeholder);
    mapping.set(placeholder, value);
    return placeholder;
  };

  const replace = (text: string, findings: readonly PiiFinding[]): string => {
    let out = '';
    let at = 0;
    for (const f of [...findings].sort((a, b) => a.start - b.start)) {
      if (f.start < at) continue;
      out += text.slice(at, f.start) + placeholderFor(f.type, text.slice(f.start, f.end));
      at = f.end;
    }
    return out + text.slice(at);
  };

  return {
    replace,
    pseudonymise: (text) => replace(text, detectPii(text, options)),
    mapping,
  };
}

type JsonPath = ReadonlyArray<string | number>;
/** Rewrites one text of a request, given where it lives (the same locations detectPiiInRequest reports). */
type RewriteText = (text: string, location: PiiLocation) => string;

function rewriteJsonValue(value: unknown, path: Array<string | number>, rewrite: (text: string, path: JsonPath) => string): unknown {
  if (typeof value === 'string') return rewrite(value, path);
  if (Array.isArray(value)) return value.map((v, i) => rewriteJsonValue(v, [...path, i], rewrite));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteJsonValue(v, [...path, k], rewrite)]));
  }
  return value;
}

/** Tool arguments are JSON: rewrite its strings so the result stays valid JSON. */
function rewriteArguments(raw: string, rewrite: RewriteText, message: number, toolCall: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return rewrite(raw, { message, field: 'tool_arguments', toolCall });
  }
  return JSON.stringify(rewriteJsonValue(parsed, [], (text, path) => rewrite(text, { message, field: 'tool_arguments', toolCall, path })));
}

function rewriteMessage(message: ChatMessage, m: number, rewrite: RewriteText): ChatMessage {
  const copy: ChatMessage = { ...message };
  if (typeof message.content === 'string') copy.content = rewrite(message.content, { message: m, field: 'content' });
  else if (Array.isArray(message.content)) {
    copy.content = message.content.map((part, p): ContentPart =>
      part.type === 'text' && typeof part.text === 'string'
        ? { ...part, type: 'text', text: rewrite(part.text, { message: m, field: 'part', part: p }) }
        : part,
    );
  }
  if (message.tool_calls) {
    copy.tool_calls = message.tool_calls.map((call, c) => ({
      ...call,
      function: { ...call.function, arguments: rewriteArguments(call.function.arguments, rewrite, m, c) },
    }));
  }
  return copy;
}

export interface PseudonymisedRequest<R> {
  /** A copy of the request with every finding replaced; the original is left untouched. */
  request: R;
  mapping: PseudonymMapping;
}

/** Pseudonymises every message of a request (all roles, text parts, tool-call arguments). */
export function pseudonymiseRequest<R extends Pick<ChatRequest, 'messages'>>(
  request: R,
  options: DetectPiiOptions = {},
): PseudonymisedRequest<R> {
  return pseudonymiseFindings(request, detectPiiInRequest(request, options));
}

function locationKey(location: PiiLocation): string {
  switch (location.field) {
    case 'content':
      return `${location.message}/c`;
    case 'part':
      return `${location.message}/p/${location.part}`;
    case 'tool_arguments':
      return `${location.message}/t/${location.toolCall}/${location.path ? JSON.stringify(location.path) : 'raw'}`;
  }
}

/**
 * Replaces findings already made by detectPiiInRequest, so a request is scanned once however many
 * decisions read the findings. Texts without a finding are copied as they are.
 */
export function pseudonymiseFindings<R extends Pick<ChatRequest, 'messages'>>(
  request: R,
  findings: readonly RequestPiiFinding[],
): PseudonymisedRequest<R> {
  const pseudonymiser = createPseudonymiser();
  const byText = new Map<string, RequestPiiFinding[]>();
  for (const f of findings) {
    const key = locationKey(f.location);
    const list = byText.get(key);
    if (list) list.push(f);
    else byText.set(key, [f]);
  }
  const rewrite: RewriteText = (text, location) => {
    const found = byText.get(locationKey(location));
    return found ? pseudonymiser.replace(text, found) : text;
  };
  const messages = request.messages.map((m, i) => rewriteMessage(m, i, rewrite));
  return { request: { ...request, messages }, mapping: pseudonymiser.mapping };
}

export interface RestoreOptions {
  /** Escape restored values for the inside of a JSON string (tool-call argument deltas). Default false. */
  jsonString?: boolean;
}

function valueFor(placeholder: string, mapping: PseudonymMapping, options: RestoreOptions): string {
  const value = mapping.get(placeholder);
  if (value === undefined) return placeholder;
  return options.jsonString ? JSON.stringify(value).slice(1, -1) : value;
}

/** Restores every known placeholder in a complete text; unknown placeholder-like text is left as it is. */
export function restore(text: string, mapping: PseudonymMapping, options: RestoreOptions = {}): string {
  if (mapping.size === 0 || !text.includes('<')) return text;
  return text.replace(PLACEHOLDER_PATTERN, (p) => valueFor(p, mapping, options));
}

export interface StreamRestorer {
  /** Takes the next text delta and returns what can be shown now. */
  push(chunk: string): string;
  /** Returns whatever is still held back; call once at the end of the stream. */
  flush(): string;
}

/**
 * Restores placeholders in a stream of text deltas. A placeholder may be split across deltas
 * ("<EMA" + "IL_1>"), so the tail of a delta that could still grow into a known placeholder is held
 * back until the next delta decides; everything else is passed on at once.
 */
export function createRestorer(mapping: PseudonymMapping, options: RestoreOptions = {}): StreamRestorer {
  const prefixes = new Set<string>();
  for (const placeholder of mapping.keys()) {
    for (let i = 1; i < placeholder.length; i++) prefixes.add(placeholder.slice(0, i));
  }
  let held = '';
  return {
    push(chunk: string): string {
      const buffer = held + chunk;
      held = '';
      const lt = buffer.lastIndexOf('<');
      let emit = buffer;
      if (lt >= 0 && prefixes.has(buffer.slice(lt))) {
        held = buffer.slice(lt);
        emit = buffer.slice(0, lt);
      }
      return restore(emit, mapping, options);
    },
    flush(): string {
      const rest = held;
      held = '';
      return rest;
    },
  };
}
