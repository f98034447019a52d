/**
 * Input shape limits, checked at the edge before anything else looks at a body: how deeply JSON may nest
 * (`server.max_json_depth`) and how many messages, content parts, tools, metadata keys and embedding inputs
 * a request may carry. Everything after the edge (zod, the privacy detectors, the adapters' request
 * building, JSON.stringify towards the upstream, body redaction for the log) walks these structures, some
 * of it recursively: a body nested 5,000 levels deep overflowed the stack there (docs/decisions/input-shape-limits.md).
 *
 * Errors are 400s in OpenAI's error shape that name the limit, its config key, and the field (`param`).
 */
import { GatewayError } from '../spec/errors.js';

/** The `server.max_*` keys of tandem.yaml that bound a request's shape. */
export interface ShapeLimits {
  max_json_depth: number;
  max_messages: number;
  max_content_parts: number;
  max_tools: number;
  max_metadata_keys: number;
  max_embedding_inputs: number;
}

/** The schema's defaults (src/config/schema.ts), for callers without a config (tests, tools). */
export const DEFAULT_SHAPE_LIMITS: ShapeLimits = {
  max_json_depth: 64,
  max_messages: 2048,
  max_content_parts: 256,
  max_tools: 128,
  max_metadata_keys: 16,
  max_embedding_inputs: 2048,
};

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

/**
 * 400 when the JSON text nests arrays and objects deeper than `maxDepth` (the top-level value is depth 1).
 *
 * It reads the text, not the parsed value, so a hostile body is refused before JSON.parse builds it (a
 * megabyte of `[` is a million nested arrays), and it stops at the first bracket over the limit. A loop,
 * never recursion. Strings are skipped with indexOf, so the cost follows the number of JSON tokens rather
 * than the bytes: most of a chat body is message text (about 1 µs for a typical 2 KB body; see
 * json-shape-limits.test.ts and bench/json-depth.ts). Text that is not JSON is left for JSON.parse to report.
 */
export function checkJsonDepth(text: string, maxDepth: number): void {
  const n = text.length;
  let depth = 0;
  // The last string seen at depth 1 (a top-level key): names the field where the limit was crossed.
  let keyStart = -1;
  let keyEnd = -1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i + 1);
      if (end < 0) return;
      if (depth === 1) {
        keyStart = i + 1;
        keyEnd = end;
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      if (depth > maxDepth) throw tooDeep(maxDepth, keyStart < 0 ? null : text.slice(keyStart, keyEnd));
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
    i++;
  }
}

/** Index of the quote that ends the string whose content starts at `from`; -1 when it never ends. */
function closingQuote(text: string, from: number): number {
  let end = text.indexOf('"', from);
  while (end > 0) {
    // Escaped when preceded by an odd number of backslashes.
    let backslashes = 0;
    for (let k = end - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

function tooDeep(maxDepth: number, field: string | null): GatewayError {
  const where = field === null ? '' : ` in '${field.length > 64 ? `${field.slice(0, 64)}…` : field}'`;
  return new GatewayError({
    status: 400,
    code: 'json_too_deep',
    param: field,
    message: `The request body nests arrays and objects more than ${maxDepth} levels deep${where}; the limit is server.max_json_depth (${maxDepth}).`,
  });
}

type Json = Record<string, unknown>;

/**
 * 400 when a chat body carries more messages, content parts in one message, tools or metadata keys than
 * the limits allow. Bodies whose fields have the wrong types pass: the schema reports those.
 */
export function checkChatCounts(json: unknown, limits: ShapeLimits): void {
  if (!isObject(json)) return;
  const { messages, tools, metadata } = json;
  if (Array.isArray(messages)) {
    checkLength(messages, { param: 'messages', max: limits.max_messages, key: 'max_messages' });
    for (let i = 0; i < messages.length; i++) {
      const message: unknown = messages[i];
      if (!isObject(message) || !Array.isArray(message.content)) continue;
      checkLength(message.content, { param: `messages[${i}].content`, max: limits.max_content_parts, key: 'max_content_parts' });
    }
  }
  if (Array.isArray(tools)) checkLength(tools, { param: 'tools', max: limits.max_tools, key: 'max_tools' });
  if (isObject(metadata)) {
    let keys = 0;
    for (const key in metadata) if (Object.hasOwn(metadata, key)) keys++;
    if (keys > limits.max_metadata_keys) {
      throw new GatewayError({
        status: 400,
        code: 'object_above_max_properties',
        param: 'metadata',
        message: `Invalid 'metadata': too many properties. Expected an object with at most ${limits.max_metadata_keys} properties, but got an object with ${keys} properties instead (server.max_metadata_keys).`,
      });
    }
  }
}

/** 400 when an embeddings body's `input` array is longer than `server.max_embedding_inputs`. */
export function checkEmbeddingCounts(json: unknown, limits: ShapeLimits): void {
  if (isObject(json) && Array.isArray(json.input)) checkLength(json.input, { param: 'input', max: limits.max_embedding_inputs, key: 'max_embedding_inputs' });
}

/** OpenAI's own wording and code for an array over its maximum length. */
function checkLength(items: readonly unknown[], o: { param: string; max: number; key: keyof ShapeLimits }): void {
  if (items.length <= o.max) return;
  throw new GatewayError({
    status: 400,
    code: 'array_above_max_length',
    param: o.param,
    message: `Invalid '${o.param}': array too long. Expected an array with maximum length ${o.max}, but got an array with length ${items.length} instead (server.${o.key}).`,
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
