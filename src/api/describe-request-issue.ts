/**
 * Turns the first problem zod found in a request body into a 400 a client developer can act on, in
 * OpenAI's own wording: "Missing required parameter: 'messages[0].role'.", "Invalid type for
 * 'temperature': expected a number, but got a string instead.", "Invalid value for 'messages[0].role':
 * "robot". Supported values are: ...". The offending field's path is also the error's `param`.
 *
 * Unions are the hard part: zod reports only "Invalid input" and one list of issues per alternative.
 * When some alternative got past its own level (the value had the right kind but a bad field inside),
 * that deeper issue is the one reported; otherwise the message lists what every alternative accepts.
 */
import type { z } from 'zod';
import { GatewayError } from '../spec/errors.js';

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

/** Extra words for fields whose alternatives read badly when listed one by one: a field's path pattern, and what it accepts. */
export type UnionHints = ReadonlyArray<[RegExp, string]>;

/** OpenAI's chat completions and embeddings (the default). */
const UNION_HINTS: UnionHints = [
  [/(^|\.)content$/, 'a string or an array of content parts ({"type": "text", "text"} or {"type": "image_url", "image_url": {"url"}})'],
  [/^input$/, 'a string or an array of strings (token arrays are not supported)'],
];

export function requestIssueToError(error: z.ZodError, input: unknown, hints: UnionHints = UNION_HINTS): GatewayError {
  const first = error.issues[0];
  if (!first) return new GatewayError({ status: 400, message: 'Invalid request body.' });
  const { issue, path } = deepestIssue(first, []);
  if (issue.code === 'unrecognized_keys') {
    const param = formatPath([...path, issue.keys[0] ?? '']);
    const where = path.length === 0 ? '' : ` in '${formatPath(path)}'`;
    return new GatewayError({
      status: 400,
      param,
      code: 'unknown_parameter',
      message: `Unrecognized request argument supplied${where}: ${issue.keys.join(', ')}.`,
    });
  }
  const param = formatPath(path);
  const described = describe(issue, param, valueAt(input, path), hints);
  return new GatewayError({ status: 400, param: param || null, code: described.code, message: described.message });
}

/**
 * For a union, the issue of the alternative that matched furthest, with its full path; an alternative that
 * failed on a `type` or `role` tag was the wrong alternative, not a near miss. Other issues are returned as is.
 */
function deepestIssue(issue: Issue, prefix: Path): { issue: Issue; path: Path } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: Issue | undefined;
  for (const alternative of issue.errors) {
    const candidate = alternative[0];
    if (!candidate || alternative.some(isWrongTag)) continue;
    // At the union's own level, only an issue other than a wrong type or value says the value was meant
    // for this alternative (an array of five stops against a limit of four).
    if (candidate.path.length === 0 && (candidate.code === 'invalid_type' || candidate.code === 'invalid_value')) continue;
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  return best ? deepestIssue(best, path) : { issue, path };
}

function isWrongTag(issue: Issue): boolean {
  const key = issue.path[issue.path.length - 1];
  return issue.path.length === 1 && (key === 'type' || key === 'role') && (issue.code === 'invalid_value' || issue.code === 'custom');
}

function describe(issue: Issue, param: string, found: unknown, hints: UnionHints): { code: string; message: string } {
  const where = param ? `'${param}'` : 'the request body';
  if (found === undefined && issue.code !== 'custom') {
    return { code: 'missing_required_parameter', message: `Missing required parameter: ${where}.` };
  }
  switch (issue.code) {
    case 'invalid_type':
      return { code: 'invalid_type', message: `Invalid type for ${where}: expected ${typeName(issue.expected)}, but got ${kindOf(found)} instead.` };
    case 'invalid_value':
      return { code: 'invalid_value', message: `Invalid value for ${where}: ${show(found)}. Supported values are: ${listOf(issue.values.map(show))}.` };
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue && Array.isArray(issue.options)) {
        return { code: 'invalid_value', message: `Invalid value for ${where}: ${show(found)}. Supported values are: ${listOf(issue.options.map(show))}.` };
      }
      const hint = hints.find(([pattern]) => pattern.test(param))?.[1];
      const accepted = hint ?? listOf(unique(issue.errors.flatMap((alternative) => accepts(alternative))), 'or');
      return { code: 'invalid_value', message: `Invalid value for ${where}: expected ${accepted || 'another value'}, but got ${kindOf(found)}.` };
    }
    case 'too_small':
    case 'too_big':
      return { code: 'invalid_value', message: `Invalid value for ${where}: ${boundText(issue, found)}.` };
    default:
      // Refinements carry their own sentence (e.g. "n > 1 is not supported").
      return {
        code: 'invalid_value',
        message: `Invalid value for ${where}: ${issue.message === 'Invalid input' ? `${show(found)} is not accepted here` : issue.message}.`,
      };
  }
}

/** What one alternative of a union accepts, judged from the issue it raised at the union's own level. */
function accepts(alternative: readonly Issue[]): string[] {
  const issue = alternative[0];
  if (!issue) return [];
  if (issue.path.length > 0) return isWrongTag(issue) ? ['an object'] : [];
  if (issue.code === 'invalid_type') return [typeName(issue.expected)];
  if (issue.code === 'invalid_value') return issue.values.map(show);
  return [];
}

function boundText(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, found: unknown): string {
  // zod's own sentences start "Too small:" / "Too big:"; anything else was written for this field.
  if (!/^Too (small|big)/.test(issue.message)) return issue.message;
  const low = issue.code === 'too_small';
  const bound = Number(low ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array')
    return `expected an array with ${low ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}, but got ${Array.isArray(found) ? found.length : 'another'}`;
  if (issue.origin === 'string') return low && bound === 1 ? 'must not be empty' : `must be ${low ? 'at least' : 'at most'} ${bound} characters`;
  const relation = low ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  return `expected a number ${relation} ${bound}, but got ${show(found)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer (${value})` : `a decimal number (${value})`;
  if (typeof value === 'string') return `a string (${show(value)})`;
  return `a ${typeof value} (${String(value)})`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function listOf(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1] ?? ''}`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function valueAt(input: unknown, path: Path): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** `messages[1].content`, as OpenAI writes a parameter's path. */
function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
