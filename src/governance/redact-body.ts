/**
 * `store.redact_bodies`: the copy of a request or response body that goes into the log, with personal
 * data and secrets replaced by placeholders. JSON bodies are redacted string by string (one mapping for
 * the whole body, so a value repeated across messages keeps one placeholder) and stay valid JSON; the
 * mapping is thrown away, so the originals cannot be recovered from the log.
 *
 * It runs after a request was answered, on whatever the client sent, so it must never throw: a failure
 * here once cost a request its log row, audit record and budget settlement. The walk is a loop (no
 * recursion to overflow on deep nesting); a body JSON.stringify cannot write back is redacted as plain
 * text instead, and if even that fails the body is withheld rather than stored unredacted.
 */
import { createPseudonymiser, type Pseudonymiser } from '../privacy/pseudonymise.js';

/** Stored in place of a body that could not be redacted. */
export const WITHHELD_BODY = '[body withheld: it could not be redacted]';

export function redactBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return redactText(body);
  }
  try {
    return JSON.stringify(redactStrings(parsed, createPseudonymiser())) ?? 'null';
  } catch {
    // Valid JSON that the native writer cannot write back (nested beyond its stack): redact the text itself.
    return redactText(body);
  }
}

function redactText(text: string): string {
  try {
    return createPseudonymiser().pseudonymise(text);
  } catch {
    return WITHHELD_BODY;
  }
}

interface Frame {
  node: Record<string, unknown> | unknown[];
  /** An object's keys; null for an array. */
  keys: string[] | null;
  next: number;
}

/**
 * Replaces every string value in a parsed JSON value, in document order (so placeholders are numbered as
 * they appear), in place: the value is this module's own parse. Object keys are kept.
 */
function redactStrings(root: unknown, pseudonymiser: Pseudonymiser): unknown {
  if (typeof root === 'string') return pseudonymiser.pseudonymise(root);
  if (root === null || typeof root !== 'object') return root;
  const stack: Frame[] = [frameOf(root)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const { node, keys } = frame;
    const size = keys === null ? (node as unknown[]).length : keys.length;
    if (frame.next >= size) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    if (keys === null) {
      const items = node as unknown[];
      const value = items[index];
      if (typeof value === 'string') items[index] = pseudonymiser.pseudonymise(value);
      else if (value !== null && typeof value === 'object') stack.push(frameOf(value));
    } else {
      const object = node as Record<string, unknown>;
      const key = keys[index] as string;
      const value = object[key];
      // defineProperty, not assignment: JSON.parse makes `__proto__` an own key, and assigning a string to it does nothing.
      if (typeof value === 'string')
        Object.defineProperty(object, key, { value: pseudonymiser.pseudonymise(value), enumerable: true, writable: true, configurable: true });
      else if (value !== null && typeof value === 'object') stack.push(frameOf(value));
    }
  }
  return root;
}

function frameOf(value: object): Frame {
  return Array.isArray(value) ? { node: value, keys: null, next: 0 } : { node: value as Record<string, unknown>, keys: Object.keys(value), next: 0 };
}
