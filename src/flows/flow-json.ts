/**
 * Reads a step's JSON answer and checks it against the step's JSON schema, for the parts of JSON Schema a
 * triage or plan uses: `type`, `properties`, `required`, `enum`, `items`, `minItems`, `maxItems`. Upstream
 * `response_format` and embedded grammars already constrain the output; this is what decides whether the
 * repair turn (and then the fallback) is needed when a model ignored them.
 */
export type JsonCheck = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

export function parseJsonAnswer(text: string, schema: Record<string, unknown>): JsonCheck {
  let value: unknown;
  try {
    value = JSON.parse(stripFence(text));
  } catch (error) {
    return { ok: false, problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const problem = check(value, schema, '$');
  if (problem !== null) return { ok: false, problem };
  return { ok: true, value: value as Record<string, unknown> };
}

/** A model that wraps its JSON in a Markdown fence still answered JSON. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced ? (fenced[1] as string) : text;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(value: unknown, schema: Record<string, unknown>, path: string): string | null {
  const type = schema.type;
  const actual = typeOf(value);
  if (typeof type === 'string' && type !== actual && !(type === 'number' && actual === 'integer')) return `${path} is ${actual}, expected ${type}`;
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    return `${path} is ${JSON.stringify(value)}, expected one of ${schema.enum.map((o) => JSON.stringify(o)).join(', ')}`;
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (typeof key === 'string' && !(key in object)) return `${path}.${key} is missing`;
    }
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [key, sub] of Object.entries(properties)) {
      if (key in object) {
        const problem = check(object[key], sub, `${path}.${key}`);
        if (problem !== null) return problem;
      }
    }
  }
  if (actual === 'array') {
    const array = value as unknown[];
    if (typeof schema.minItems === 'number' && array.length < schema.minItems) return `${path} has ${array.length} items, fewer than ${schema.minItems}`;
    const items = schema.items as Record<string, unknown> | undefined;
    if (items) {
      for (const [index, item] of array.entries()) {
        const problem = check(item, items, `${path}[${index}]`);
        if (problem !== null) return problem;
      }
    }
  }
  return null;
}
