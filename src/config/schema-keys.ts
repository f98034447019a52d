/**
 * The keys a strict object accepts at a given path of the config, found by walking the zod schema
 * alongside the raw input (the input picks the branch of a discriminated union: the keys allowed under
 * `provider: anthropic` differ from those under `provider: embedded`). zod's unrecognized_keys issue names
 * the bad key but not the good ones; this supplies them for "did you mean".
 */
import { z } from 'zod';
import type { PathSegment } from './config-path.js';

export function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[], input: unknown): string[] | undefined {
  let current: z.ZodType | undefined = schema;
  let value = input;
  for (let i = 0; ; i++) {
    current = current && unwrap(current, value);
    if (current === undefined) return undefined;
    if (i === path.length) return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
    const segment = path[i] as PathSegment;
    value = isRecord(value) ? value[segment as string] : Array.isArray(value) ? value[segment as number] : undefined;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodRecord) current = current.def.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.def.element as z.ZodType;
    else return undefined;
  }
}

/**
 * The branch of the discriminated union at `path` whose discriminator is `tag`: what an entry would be
 * checked against had its (mistyped) `provider` or `type` been `tag`.
 */
export function unionBranchAt(schema: z.ZodType, path: readonly PathSegment[], input: unknown, tag: string): z.ZodObject | undefined {
  let current: z.ZodType | undefined = schema;
  let value = input;
  for (const segment of path) {
    current = current && unwrap(current, value);
    if (current === undefined) return undefined;
    value = isRecord(value) ? value[segment as string] : Array.isArray(value) ? value[segment as number] : undefined;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodRecord) current = current.def.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.def.element as z.ZodType;
    else return undefined;
  }
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) {
    current = current.def.innerType as z.ZodType;
  }
  if (!(current instanceof z.ZodDiscriminatedUnion)) return undefined;
  const key = current.def.discriminator;
  const options = current.def.options as z.ZodType[];
  return options.find((option): option is z.ZodObject => option instanceof z.ZodObject && literalValues(option.shape[key]).includes(tag));
}

/** Strips optional/default wrappers and picks the union branch the input's discriminator names. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) {
      current = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      // A preprocess step (`capabilities: auto`): the keys are the output schema's.
      current = current.def.out as z.ZodType;
    } else if (current instanceof z.ZodDiscriminatedUnion) {
      const key = current.def.discriminator;
      const tag = isRecord(value) ? value[key] : undefined;
      const options = current.def.options as z.ZodType[];
      const match = options.find((option) => option instanceof z.ZodObject && literalValues(option.shape[key]).includes(tag));
      if (match === undefined) return undefined;
      current = match;
    } else {
      return current;
    }
  }
}

function literalValues(schema: unknown): unknown[] {
  return schema instanceof z.ZodLiteral ? [...schema.values] : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
