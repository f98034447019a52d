/**
 * Turns zod's issues into messages a person editing tandem.yaml can act on: what is wrong in YAML terms
 * ("a list", "a mapping"), what was found, and the closest valid key or value when it looks like a typo.
 */
import type { z } from 'zod';
import type { ConfigIssue } from './config-error.js';
import { formatPath, valueAt, type PathSegment } from './config-path.js';
import { allowedKeysAt, unionBranchAt } from './schema-keys.js';
import { suggest } from './suggest.js';

type ZodIssue = z.core.$ZodIssue;

export function describeZodIssues(options: { issues: readonly ZodIssue[]; input: unknown; schema: z.ZodType }): ConfigIssue[] {
  return options.issues.flatMap((issue) => describeZodIssue({ ...options, issue }));
}

function describeZodIssue(options: { issue: ZodIssue; input: unknown; schema: z.ZodType }): ConfigIssue[] {
  const { issue, input } = options;
  const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  const at = formatPath(path);
  const found = valueAt(input, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(options.schema, path, input) ?? [];
      return issue.keys.map((key) => {
        const suggestion = suggest(key, allowed);
        const message = suggestion !== undefined || allowed.length === 0 ? 'unknown key' : `unknown key; allowed keys here: ${allowed.join(', ')}`;
        return { path: formatPath([...path, key]), message, ...(suggestion === undefined ? {} : { suggestion }) };
      });
    }
    case 'invalid_union': {
      if (issue.discriminator === undefined || !('options' in issue) || issue.options === undefined) break;
      const choices = issue.options.map(String);
      const key = issue.discriminator;
      if (found === undefined) return [{ path: at, message: `missing; every entry here needs a ${key}: one of ${choices.join(', ')}` }];
      const suggestion = typeof found === 'string' ? suggest(found, choices) : undefined;
      return [
        {
          path: at,
          message: `unknown ${key} ${show(found)}; expected one of ${choices.join(', ')}`,
          ...(suggestion === undefined ? {} : { suggestion }),
        },
        ...(suggestion === undefined ? [] : issuesAsIf({ ...options, path, key, tag: suggestion })),
      ];
    }
    case 'invalid_value': {
      const choices = issue.values.map(String);
      const suggestion = typeof found === 'string' ? suggest(found, choices) : undefined;
      const expected = choices.length === 1 ? `must be ${show(issue.values[0])}` : `expected one of ${choices.join(', ')}`;
      const got = found === undefined ? 'missing' : `${show(found)} is not allowed`;
      return [{ path: at, message: `${got}; ${expected}`, ...(suggestion === undefined ? {} : { suggestion }) }];
    }
    case 'invalid_type':
      return [{ path: at, message: describeInvalidType(issue.expected, found) }];
    case 'too_small':
      return [{ path: at, message: describeBound({ origin: issue.origin, bound: issue.minimum, inclusive: issue.inclusive, low: true }) }];
    case 'too_big':
      return [{ path: at, message: describeBound({ origin: issue.origin, bound: issue.maximum, inclusive: issue.inclusive, low: false }) }];
    case 'invalid_format':
      if (issue.format === 'url') {
        return [{ path: at, message: `${show(found)} is not an http:// or https:// URL; write e.g. http://127.0.0.1:11434/v1` }];
      }
      return [{ path: at, message: `${show(found)} is not a valid ${issue.format}` }];
    case 'invalid_key':
      return [{ path: at, message: `invalid name ${show(found)}: ${issue.issues.map((i) => i.message).join('; ')}` }];
    default:
      break;
  }
  return [{ path: at, message: issue.message }];
}

/**
 * A typo in an entry's discriminator (`provider: openai-compat`) would hide every other problem in the
 * entry until it is fixed: check the entry as if it named the suggested value, so all of its problems
 * are reported at once.
 */
function issuesAsIf(options: { path: PathSegment[]; key: string; tag: string; input: unknown; schema: z.ZodType }): ConfigIssue[] {
  const { path, key, tag } = options;
  const prefix = path.slice(0, -1);
  const entry = valueAt(options.input, prefix);
  const branch = unionBranchAt(options.schema, prefix, options.input, tag);
  if (branch === undefined || entry === null || typeof entry !== 'object' || Array.isArray(entry)) return [];
  const corrected = { ...(entry as Record<string, unknown>), [key]: tag };
  const parsed = branch.safeParse(corrected);
  if (parsed.success) return [];
  const input = withValueAt(options.input, prefix, corrected);
  return parsed.error.issues
    .filter((issue) => issue.path[0] !== key)
    .flatMap((issue) => describeZodIssue({ issue: { ...issue, path: [...prefix, ...issue.path] }, input, schema: options.schema }));
}

/** A copy of `input` with the value at `path` replaced (only the objects along the path are copied). */
function withValueAt(input: unknown, path: readonly PathSegment[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(input)) return input.map((item, i) => (i === head ? withValueAt(item, rest, value) : item));
  const record = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  return { ...record, [head]: withValueAt(record[String(head)], rest, value) };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (indented `key: value` lines)',
  record: 'a mapping (indented `key: value` lines)',
  array: 'a list (`- item` lines or [a, b])',
};

function describeInvalidType(expected: string, found: unknown): string {
  const want = TYPE_NAMES[expected] ?? expected;
  if (found === undefined) return 'missing; this key is required';
  if (found === null) return `is empty; expected ${want}, or remove the key to use the default`;
  const hint =
    (expected === 'number' || expected === 'int') && typeof found === 'string' && found.trim() !== '' && !Number.isNaN(Number(found))
      ? ' (write numbers without quotes; ${VAR} references always give text)'
      : expected === 'array' && typeof found === 'string'
        ? ` (write [${found}] for a list of one)`
        : '';
  if (expected === 'int' && typeof found === 'number') return `${found} must be a whole number`;
  return `expected ${want}, got ${[kind(found), show(found)].filter(Boolean).join(' ')}${hint}`;
}

function describeBound(options: { origin: string; bound: number | bigint; inclusive: boolean | undefined; low: boolean }): string {
  const { origin, bound, low } = options;
  const n = Number(bound);
  if (origin === 'array') return low ? `must list at least ${n} item${n === 1 ? '' : 's'}` : `must list at most ${n} items`;
  if (origin === 'string') {
    if (low && n === 1) return 'must not be empty';
    return low ? `must be at least ${n} characters` : `must be at most ${n} characters`;
  }
  if (options.inclusive === false) return low ? `must be greater than ${n}` : `must be less than ${n}`;
  return low ? `must be at least ${n}` : `must be at most ${n}`;
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return '';
  if (typeof value === 'object' && value !== null) return '';
  return String(value);
}
