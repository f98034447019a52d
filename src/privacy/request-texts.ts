/**
 * Every text of a chat request that could carry personal data, with where it lives, so detection and
 * pseudonymisation cover the same places: message contents and text parts (all roles), message `name`,
 * tool-call arguments (each string of the JSON, and its keys), `metadata`, `stop`,
 * tool definitions (names, descriptions, every string and property name of the parameter schemas),
 * `response_format` (its schema likewise), image URLs (an http URL's text; a `data:` URL's payload is
 * binary and skipped), other content parts, and every field Tandem does not model (`extra`: `prediction`,
 * `web_search_options`, …), which OpenAI-compatible upstreams receive as they came.
 *
 * Ids (`tool_call_id`, tool-call ids) are not texts: upstreams generate them, and their random characters
 * would read as secrets. The end user's id (`user`, `safety_identifier`) is not a text either: on a route
 * with a privacy policy a cloud model only ever gets its keyed hash (upstream-user.ts).
 *
 * Fields that carry no prose (a `stop` sequence, a message `name`, an image URL, a tool-call argument's
 * value) are marked `bare`: an identifier-shaped value there counts even with no cue (bare-identifier.ts).
 */
import type { ChatRequest } from '../spec/chat-request.js';
import type { BareShape } from './bare-identifier.js';

export type TextPath = ReadonlyArray<string | number>;

/** What pseudonymisation may do with a finding in this text. */
export type OnFinding =
  /** Replace the value with its placeholder (almost everywhere). */
  | 'replace'
  /** Drop the field from the cloud's copy: a message `name` must be an identifier, so a placeholder cannot stand in. */
  | 'drop'
  /** Keep the request on local models: an image URL the provider must fetch, or a tool's name the model must call. */
  | 'keep-local';

export interface RequestText {
  /** Path from the request's root to the string: `['messages', 2, 'content', 1, 'text']`, `['params', 'user']`. */
  path: TextPath;
  /** For a string inside JSON-encoded text (tool-call arguments): its path inside the decoded JSON. */
  inner?: TextPath;
  /** The text is the object key at the end of the path (a property name), not the value under it. */
  key?: boolean;
  text: string;
  /** The field name that explains a bare value, read before it as a cue: `date_of_birth` → "date of birth: …". */
  cue?: string;
  /**
   * Message content, read as one running text with its neighbours: `turn` is the message index, so a value
   * cut across two parts or two turns is found whole.
   */
  turn?: number;
  /** The message's role, for message content. */
  role?: string;
  /** A field without prose: identifier-shaped values count there (a whole value, or a URL's parts). */
  bare?: BareShape;
  onFinding: OnFinding;
}

/** One key per text location, shared by detection and rewriting. */
export function textKey(t: Pick<RequestText, 'path' | 'inner' | 'key'>): string {
  return JSON.stringify([t.path, t.inner ?? null, t.key === true]);
}

// JSON Schema's own vocabulary: structure, never data, and too frequent in tool schemas to scan one by one.
const SCHEMA_WORDS = new Set([
  'type',
  'properties',
  'items',
  'required',
  'description',
  'enum',
  'title',
  'default',
  'format',
  'pattern',
  'additionalProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'examples',
  'nullable',
  '$ref',
  '$defs',
  'definitions',
  'strict',
  'name',
  'schema',
]);

/**
 * A key is scanned unless it is a plain identifier (letters, `_`, `$`, at most 40): a property name such as
 * `customer_email` holds no value, while `"jane@example.com": …` or `"Maria Gonzalez": …` would.
 */
function keyNeedsScan(key: string): boolean {
  return !SCHEMA_WORDS.has(key) && !/^[A-Za-z_$]{1,40}$/.test(key);
}

// A base64 payload: long, no spaces. Binary data is not text, and scanning megabytes of it finds only noise.
const BINARY = /^[A-Za-z0-9+/=_-]{512,}$/;

interface Walk {
  out: RequestText[];
  onFinding: OnFinding;
  /** Every string value of the walk is a bare value (`stop`, tool-call arguments). */
  bare?: boolean;
}

/** Every string (and scannable key) of a JSON value, each string's nearest key as its cue. */
function walkJson(value: unknown, at: { path: TextPath; inner?: TextPath; cue?: string }, w: Walk): void {
  if (typeof value === 'string') {
    if (value.length === 0 || value.startsWith('data:') || BINARY.test(value)) return;
    const text: RequestText = { path: at.path, text: value, onFinding: w.onFinding };
    if (w.bare) text.bare = 'value';
    if (at.inner) text.inner = at.inner;
    if (at.cue !== undefined) text.cue = at.cue;
    w.out.push(text);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const step = (k: string | number): { path: TextPath; inner?: TextPath } =>
    at.inner ? { path: at.path, inner: [...at.inner, k] } : { path: [...at.path, k] };
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walkJson(v, { ...step(i), ...(at.cue !== undefined ? { cue: at.cue } : {}) }, w);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const next = step(k);
    if (keyNeedsScan(k)) w.out.push({ ...next, key: true, text: k, onFinding: w.onFinding });
    walkJson(v, { ...next, cue: k }, w);
  }
}

/** A URL's text without its binary payload: `data:` URLs carry none worth reading. */
function imageUrlText(url: string): boolean {
  return !url.startsWith('data:');
}

/** Every text of the request, in reading order (system prompt to last turn, then the request's other fields). */
export function requestTexts(request: Pick<ChatRequest, 'messages'> & Partial<Pick<ChatRequest, 'params' | 'extra'>>): RequestText[] {
  const out: RequestText[] = [];
  request.messages.forEach((message, m) => {
    const base: TextPath = ['messages', m];
    const { content } = message;
    if (typeof content === 'string') {
      if (content.length > 0) out.push({ path: [...base, 'content'], text: content, turn: m, role: message.role, onFinding: 'replace' });
    } else if (Array.isArray(content)) {
      content.forEach((part, p) => {
        const at: TextPath = [...base, 'content', p];
        if (part.type === 'text' && typeof part.text === 'string') {
          if (part.text.length > 0) out.push({ path: [...at, 'text'], text: part.text, turn: m, role: message.role, onFinding: 'replace' });
        } else if (part.type === 'image_url') {
          const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
          if (typeof url === 'string' && imageUrlText(url))
            out.push({ path: [...at, 'image_url', 'url'], text: url, cue: 'image url', bare: 'url', onFinding: 'keep-local' });
        } else {
          // input_audio, file …: their strings (a file name) are text; their payloads are skipped as binary.
          const { type: _type, ...rest } = part;
          walkJson(rest, { path: at }, { out, onFinding: 'replace' });
        }
      });
    }
    if (typeof message.name === 'string' && message.name.length > 0) {
      out.push({ path: [...base, 'name'], text: message.name, cue: 'name', bare: 'value', onFinding: 'drop' });
    }
    (message.tool_calls ?? []).forEach((call, c) => {
      const at: TextPath = [...base, 'tool_calls', c, 'function'];
      out.push({ path: [...at, 'name'], text: call.function.name, onFinding: 'keep-local' });
      const raw = call.function.arguments;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        if (raw.length > 0) out.push({ path: [...at, 'arguments'], text: raw, onFinding: 'replace' });
        return;
      }
      walkJson(parsed, { path: [...at, 'arguments'], inner: [] }, { out, onFinding: 'replace', bare: true });
    });
    // Any other string a message carries (an assistant's `refusal`, fields a client added).
    for (const [k, v] of Object.entries(message)) {
      if (k === 'role' || k === 'content' || k === 'name' || k === 'tool_calls' || k === 'tool_call_id') continue;
      walkJson(v, { path: [...base, k], cue: k }, { out, onFinding: 'replace' });
    }
  });
  const params = request.params;
  if (params) {
    if (params.metadata) walkJson(params.metadata, { path: ['params', 'metadata'] }, { out, onFinding: 'replace' });
    if (params.stop) walkJson(params.stop, { path: ['params', 'stop'] }, { out, onFinding: 'replace', bare: true });
    (params.tools ?? []).forEach((tool, i) => {
      const at: TextPath = ['params', 'tools', i, 'function'];
      out.push({ path: [...at, 'name'], text: tool.function.name, onFinding: 'keep-local' });
      if (tool.function.description) out.push({ path: [...at, 'description'], text: tool.function.description, onFinding: 'replace' });
      if (tool.function.parameters) walkJson(tool.function.parameters, { path: [...at, 'parameters'] }, { out, onFinding: 'replace' });
    });
    const choice = params.tool_choice;
    if (choice !== undefined && typeof choice === 'object')
      out.push({ path: ['params', 'tool_choice', 'function', 'name'], text: choice.function.name, onFinding: 'keep-local' });
    const format = params.response_format;
    if (format?.type === 'json_schema') {
      const at: TextPath = ['params', 'response_format', 'json_schema'];
      out.push({ path: [...at, 'name'], text: format.json_schema.name, onFinding: 'keep-local' });
      if (format.json_schema.description) out.push({ path: [...at, 'description'], text: format.json_schema.description, onFinding: 'replace' });
      if (format.json_schema.schema) walkJson(format.json_schema.schema, { path: [...at, 'schema'] }, { out, onFinding: 'replace' });
    }
  }
  if (request.extra) {
    const { safety_identifier: endUser, ...rest } = request.extra;
    walkJson(typeof endUser === 'string' ? rest : request.extra, { path: ['extra'] }, { out, onFinding: 'replace' });
  }
  return out;
}

/** Total characters across the texts: what detection will read. */
export function textLength(texts: readonly RequestText[]): number {
  let n = 0;
  for (const t of texts) n += t.text.length;
  return n;
}
