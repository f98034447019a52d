/**
 * Puts the original values back into a cloud model's answer, whole or streamed.
 *
 * Only placeholders in the request's mapping are restored. Their per-request tag (`<EMAIL_1_k7wz>`, see
 * docs/decisions/placeholders.md) was chosen so that it occurs nowhere in the request, so text the client
 * itself wrote that looks like a placeholder (`<PERSON_1>`, or one with another tag) is never replaced. A
 * tagged placeholder is also recognised without its angle brackets (`EMAIL_1_k7wz`): models sometimes drop
 * them (Markdown hides `<…>`), and the tag keeps that form unambiguous too.
 */

/** Placeholder → original value. */
export type PseudonymMapping = ReadonlyMap<string, string>;

/** Matches any placeholder this module can produce: `<LABEL_n>` (logs) or `<LABEL_n_tag>` (requests). */
export const PLACEHOLDER_PATTERN = /<[A-Z][A-Z_]*_\d+(?:_[a-z0-9]{4})?>/g;

// A bracketed placeholder, tagged or not; or a bare tagged one.
const RESTORABLE = /<([A-Z][A-Z_]*_\d+(?:_[a-z0-9]{4})?)>|([A-Z][A-Z_]*_\d+_[a-z0-9]{4})/g;

export interface RestoreOptions {
  /** Escape restored values for the inside of a JSON string (tool-call arguments). Default false. */
  jsonString?: boolean;
}

function valueFor(match: string, bracketed: string | undefined, bare: string | undefined, mapping: PseudonymMapping, options: RestoreOptions): string {
  const value = mapping.get(`<${bracketed ?? bare}>`);
  if (value === undefined) return match;
  return options.jsonString ? JSON.stringify(value).slice(1, -1) : value;
}

/** Restores every known placeholder in a complete text; unknown placeholder-like text is left as it is. */
export function restore(text: string, mapping: PseudonymMapping, options: RestoreOptions = {}): string {
  if (mapping.size === 0 || !/[A-Z]_\d/.test(text)) return text;
  return text.replace(RESTORABLE, (match, bracketed: string | undefined, bare: string | undefined) => valueFor(match, bracketed, bare, mapping, options));
}

export interface StreamRestorer {
  /** Takes the next text delta and returns what can be shown now. */
  push(chunk: string): string;
  /** Returns whatever is still held back; call once at the end of the stream. */
  flush(): string;
}

/**
 * Restores placeholders in a stream of text deltas. A placeholder may be split across deltas
 * ("<EMA" + "IL_1_k7wz>"), so the tail of the text that could still grow into one of the mapping's
 * placeholders (bracketed or bare) is held back until the next delta decides; everything before it is
 * passed on at once. The check reads the placeholders' shape (label, number, tag) rather than a set of
 * every prefix, so a request with thousands of values costs no more to stream than one with a few.
 */
export function createRestorer(mapping: PseudonymMapping, options: RestoreOptions = {}): StreamRestorer {
  const labels = new Set<string>();
  const labelPrefixes = new Set<string>();
  const tags = new Set<string>();
  for (const placeholder of mapping.keys()) {
    const m = /^<([A-Z][A-Z_]*)_\d+(?:_([a-z0-9]{4}))?>$/.exec(placeholder);
    if (!m || labels.has(`${m[1]}\u0000${m[2] ?? ''}`)) continue;
    labels.add(`${m[1]}\u0000${m[2] ?? ''}`);
    labels.add(m[1] as string);
    tags.add(m[2] ?? '');
    const withUnderscore = `${m[1]}_`;
    for (let i = 1; i <= withUnderscore.length; i++) labelPrefixes.add(withUnderscore.slice(0, i));
  }
  const tagged = [...tags].some((t) => t !== '');
  /** Whether `tail` is a proper prefix of a placeholder of this mapping (`<EMAIL_1_k7` or `EMAIL_1_k7`). */
  const couldGrow = (tail: string): boolean => {
    const bracketed = tail.startsWith('<');
    const body = bracketed ? tail.slice(1) : tail;
    if (!bracketed && !tagged) return false;
    if (body === '') return bracketed;
    if (labelPrefixes.has(body)) return true;
    const m = /^([A-Z][A-Z_]*)_(\d+)(?:_([a-z0-9]*))?$/.exec(body);
    if (!m || !labels.has(m[1] as string)) return false;
    const tag = m[3];
    if (tag === undefined) return true;
    for (const t of tags) {
      if (!t.startsWith(tag)) continue;
      if (tag.length < t.length) return true;
      if (bracketed) return true; // complete: waiting for its ">"
    }
    return false;
  };
  // Long enough for any placeholder: the longest label, a number, a tag and the brackets.
  const reach = Math.max(0, ...[...labelPrefixes].map((l) => l.length)) + 24;
  let held = '';
  return {
    push(chunk: string): string {
      const buffer = held + chunk;
      held = '';
      let cut = buffer.length;
      if (mapping.size > 0) {
        for (let i = Math.max(0, buffer.length - reach); i < buffer.length; i++) {
          const c = buffer.charCodeAt(i);
          // A placeholder starts at "<" or at a capital letter (its bare form).
          if (c !== 60 && (c < 65 || c > 90)) continue;
          if (couldGrow(buffer.slice(i))) {
            cut = i;
            break;
          }
        }
      }
      held = buffer.slice(cut);
      return restore(buffer.slice(0, cut), mapping, options);
    },
    flush(): string {
      const rest = held;
      held = '';
      return restore(rest, mapping, options);
    },
  };
}
