/**
 * JSON with object keys sorted at every depth (UTF-16 code-unit order, as Array.prototype.sort), so a hash
 * of it does not depend on property order. For JSON data: what JSON.parse returns, plus undefined fields,
 * which are left out as JSON.stringify leaves them out.
 *
 * The audit chain hashes one such text per request. Building it key by key in JavaScript (sort every
 * object's keys, concatenate) allocated ~7 KB per request, about a tenth of everything a request allocates
 * with the audit on (`npm run bench:alloc`). Instead: objects whose keys already come in sorted order are
 * kept as they are, the others are copied with their keys sorted, and the native JSON.stringify writes the
 * result; the audit chain builds its records in sorted key order, so nothing is copied on its path.
 * Integer-like keys ("9", "10") are the one thing this cannot do: a JavaScript object always lists them
 * first and in numeric order, so a value holding one is written key by key instead. The output is the
 * same text either way (canonical-json.test.ts holds it to the key-by-key definition).
 */
export function canonicalJson(value: unknown): string {
  const sorted = sortKeys(value);
  return sorted === BY_KEY ? canonicalJsonByKey(value) : (JSON.stringify(sorted) ?? 'null');
}

/** The key-by-key definition, for objects with integer-like keys (and the tests' reference). */
export function canonicalJsonByKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJsonByKey(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const field = object[key];
    if (field === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJsonByKey(field)}`;
  }
  return `${out}}`;
}

/** Returned up the tree when an object has an integer-like key: only the key-by-key writer can order it. */
const BY_KEY = Symbol('canonical JSON key by key');
const INTEGER_KEY = /^(?:0|[1-9]\d*)$/;

/** `value` itself when every object in it has its keys in sorted order; otherwise a copy that has (or BY_KEY). */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const sorted = sortKeys(value[i]);
      if (sorted === BY_KEY) return BY_KEY;
      if (sorted !== value[i]) (copy ??= value.slice())[i] = sorted;
    }
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  let previous: string | undefined;
  let inOrder = true;
  let changed: Map<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (INTEGER_KEY.test(key)) return BY_KEY;
    if (previous !== undefined && key < previous) inOrder = false;
    previous = key;
    const field = object[key];
    const sorted = sortKeys(field);
    if (sorted === BY_KEY) return BY_KEY;
    if (sorted !== field) (changed ??= new Map()).set(key, sorted);
  }
  if (inOrder && changed === undefined) return object;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object).sort()) copy[key] = changed?.has(key) ? changed.get(key) : object[key];
  return copy;
}
