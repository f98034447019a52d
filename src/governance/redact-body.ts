/**
 * `store.redact_bodies`: the copy of a request or response body that goes into the log, with personal
 * data and secrets replaced by placeholders. JSON bodies are redacted string by string (one mapping for
 * the whole body, so a value repeated across messages keeps one placeholder) and stay valid JSON; the
 * mapping is thrown away, so the originals cannot be recovered from the log.
 */
import { createPseudonymiser, type Pseudonymiser } from '../privacy/pseudonymise.js';

export function redactBody(body: string): string {
  const pseudonymiser = createPseudonymiser();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return pseudonymiser.pseudonymise(body);
  }
  return JSON.stringify(redactValue(parsed, pseudonymiser));
}

function redactValue(value: unknown, pseudonymiser: Pseudonymiser): unknown {
  if (typeof value === 'string') return pseudonymiser.pseudonymise(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, pseudonymiser));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, pseudonymiser)]));
  }
  return value;
}
