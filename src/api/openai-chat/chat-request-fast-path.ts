/**
 * A hand-written check for the most common chat body — text messages and scalar settings, no tools,
 * no content parts, no response_format — that skips zod's generic walk (~4% of the gateway's CPU under
 * load). It only ever says "this body is valid exactly as it stands"; anything else, including every
 * invalid body, returns false and goes through the zod schema, so errors (messages and paths) come from
 * one place. For a body it accepts, zod's output equals the input, which parse-chat-request.test.ts checks
 * body by body against the schema.
 */

type Json = Record<string, unknown>;

const SIMPLE_ROLES = new Set(['system', 'developer', 'user']);
/** Known fields the fast path does not check: their presence sends the body to the schema. */
const SCHEMA_ONLY = new Set(['tools', 'tool_choice', 'parallel_tool_calls', 'response_format']);

/** Range checks per scalar field: the same bounds as the schema in parse-chat-request.ts. */
const NUMBERS: Readonly<Record<string, { min: number; max: number; int: boolean; exclusiveMin?: boolean }>> = {
  temperature: { min: 0, max: 2, int: false },
  top_p: { min: 0, max: 1, int: false },
  max_tokens: { min: 0, max: Number.MAX_SAFE_INTEGER, int: true, exclusiveMin: true },
  max_completion_tokens: { min: 0, max: Number.MAX_SAFE_INTEGER, int: true, exclusiveMin: true },
  seed: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, int: true },
  presence_penalty: { min: -2, max: 2, int: false },
  frequency_penalty: { min: -2, max: 2, int: false },
  n: { min: 1, max: 1, int: true },
  top_logprobs: { min: 0, max: 20, int: true },
};

export function isSimpleChatBody(json: unknown): json is Json {
  if (!isObject(json)) return false;
  for (const key in json) {
    if (!Object.hasOwn(json, key) || SCHEMA_ONLY.has(key) || key === '__proto__') return false;
    const value = json[key];
    const range = NUMBERS[key];
    if (range !== undefined) {
      if (value !== null && !inRange(value, range)) return false;
      continue;
    }
    switch (key) {
      case 'model':
        if (typeof value !== 'string' || value.length === 0) return false;
        break;
      case 'messages':
        if (!Array.isArray(value) || value.length === 0 || !value.every(isSimpleMessage)) return false;
        break;
      case 'stream':
      case 'logprobs':
        if (value !== null && typeof value !== 'boolean') return false;
        break;
      case 'stream_options':
        if (value !== null && !(isObject(value) && onlyKeys(value, ['include_usage']) && optionalBoolean(value.include_usage))) return false;
        break;
      case 'stop':
        if (value !== null && typeof value !== 'string' && !(Array.isArray(value) && value.length <= 4 && value.every((s) => typeof s === 'string')))
          return false;
        break;
      case 'user':
        if (typeof value !== 'string') return false;
        break;
      case 'metadata':
        if (value !== null && !(isObject(value) && Object.keys(value).every((k) => k !== '__proto__' && typeof value[k] === 'string'))) return false;
        break;
      default:
      // Unknown fields pass through to the upstream untouched, as the schema's loose object keeps them.
    }
  }
  return typeof json.model === 'string' && Array.isArray(json.messages);
}

function isSimpleMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  const { role, content, name } = message;
  if (name !== undefined && typeof name !== 'string') return false;
  if (typeof role === 'string' && SIMPLE_ROLES.has(role)) return typeof content === 'string' && onlyKeys(message, ['role', 'content', 'name']);
  if (role === 'assistant') {
    const { refusal } = message;
    return (
      (content === undefined || content === null || typeof content === 'string') &&
      (refusal === undefined || refusal === null || typeof refusal === 'string') &&
      onlyKeys(message, ['role', 'content', 'name', 'refusal'])
    );
  }
  return false;
}

function inRange(value: unknown, range: { min: number; max: number; int: boolean; exclusiveMin?: boolean }): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (range.int && !Number.isSafeInteger(value)) return false;
  return (range.exclusiveMin ? value > range.min : value >= range.min) && value <= range.max;
}

function optionalBoolean(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}

function onlyKeys(value: Json, allowed: readonly string[]): boolean {
  for (const key in value) if (!allowed.includes(key)) return false;
  return true;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
