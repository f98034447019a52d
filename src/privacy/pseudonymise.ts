/**
 * Pseudonymisation: replaces each finding with a stable placeholder (`<EMAIL_1_k7wz>`, `<PERSON_2_k7wz>`)
 * before a cloud model sees the request; restore-placeholders.ts puts the originals back in the answer.
 *
 * Within one request the same value always gets the same placeholder, in every field that carries text
 * (messages, names, tool arguments and schemas, `user`, `metadata`, `stop`, `prediction` …), so the model
 * can still tell that two mentions are the same person. A value cut across two parts or turns becomes one
 * placeholder where it starts, and its other pieces are removed. The mapping never leaves the gateway: it
 * lives as long as the request.
 */
import type { ChatRequest } from '../spec/chat-request.js';
import { detectPii, type DetectPiiOptions } from './detect-pii.js';
import { detectPiiInRequest, type RequestDetectOptions, type RequestPiiFinding } from './detect-request-pii.js';
import type { PiiFinding, PiiType } from './pii-finding.js';
import type { RequestText, TextPath } from './request-texts.js';
import type { PseudonymMapping } from './restore-placeholders.js';

export { createRestorer, PLACEHOLDER_PATTERN, restore, type PseudonymMapping, type RestoreOptions, type StreamRestorer } from './restore-placeholders.js';

const LABELS: Record<PiiType, string> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'SSN',
  PASSPORT: 'PASSPORT',
  NATIONAL_ID: 'NATIONAL_ID',
  IP_ADDRESS: 'IP',
  DATE_OF_BIRTH: 'DOB',
  STREET_ADDRESS: 'ADDRESS',
  API_KEY: 'API_KEY',
  SECRET: 'SECRET',
  PERSON: 'PERSON',
  IDENTIFIER: 'ID',
};

// No vowels (a tag never spells a word the model might "correct"), no 0/1/l/o (never misread).
const TAG_ALPHABET = 'bcdfghjkmnpqrstvwxz23456789';

/** A random 4-character tag that occurs in none of `texts` after an underscore, so no input text can look like one of its placeholders. */
export function placeholderTag(texts: Iterable<string>, random: () => number = Math.random): string {
  const all = [...texts];
  for (;;) {
    let tag = '';
    for (let i = 0; i < 4; i++) tag += TAG_ALPHABET[Math.floor(random() * TAG_ALPHABET.length)];
    if (!all.some((t) => t.includes(`_${tag}`))) return tag;
  }
}

export interface Pseudonymiser {
  /** Replaces `findings` (non-overlapping, as detectPii returns them) in `text`. */
  replace(text: string, findings: readonly PiiFinding[]): string;
  /** Detects with `options` and replaces in one step. */
  pseudonymise(text: string): string;
  /** The placeholder for a value, made on first use. */
  placeholderFor(type: PiiType, value: string): string;
  readonly mapping: PseudonymMapping;
}

/**
 * A pseudonymiser whose placeholders stay stable across every text it is given. `tag` (see placeholderTag)
 * goes into every placeholder; without it they read `<EMAIL_1>`, which is fine where nothing is restored (logs).
 */
export function createPseudonymiser(options: DetectPiiOptions & { tag?: string } = {}): Pseudonymiser {
  const { tag, ...detectOptions } = options;
  const suffix = tag ? `_${tag}` : '';
  const mapping = new Map<string, string>();
  const byValue = new Map<string, string>();
  const counters = new Map<string, number>();

  const placeholderFor = (type: PiiType, value: string): string => {
    const key = `${type}\u0000${value}`;
    const existing = byValue.get(key);
    if (existing) return existing;
    const label = LABELS[type];
    const n = (counters.get(label) ?? 0) + 1;
    counters.set(label, n);
    const placeholder = `<${label}_${n}${suffix}>`;
    byValue.set(key, placeholder);
    mapping.set(placeholder, value);
    return placeholder;
  };

  const replace = (text: string, findings: readonly PiiFinding[]): string => {
    let out = '';
    let at = 0;
    for (const f of [...findings].sort((a, b) => a.start - b.start)) {
      if (f.start < at) continue;
      out += text.slice(at, f.start) + placeholderFor(f.type, text.slice(f.start, f.end));
      at = f.end;
    }
    return out + text.slice(at);
  };

  return { replace, pseudonymise: (text) => replace(text, detectPii(text, detectOptions)), placeholderFor, mapping };
}

type Container = Record<string | number, unknown>;

/** Writes into a deep copy of a JSON-like value, copying only the containers on the paths it writes. */
class CopyOnWrite {
  private readonly copies = new Set<unknown>();
  root: unknown;

  constructor(root: unknown) {
    this.root = this.own(root);
  }

  private own(value: unknown): unknown {
    if (value === null || typeof value !== 'object' || this.copies.has(value)) return value;
    const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Container) };
    this.copies.add(copy);
    return copy;
  }

  /** The (copied) container holding the last step of `path`. */
  private parentOf(path: TextPath): Container {
    let node = this.root as Container;
    for (const step of path.slice(0, -1)) {
      const child = this.own(node[step]);
      node[step] = child;
      node = child as Container;
    }
    return node;
  }

  set(path: TextPath, value: unknown): void {
    if (path.length === 0) this.root = value;
    else this.parentOf(path)[path[path.length - 1] as string | number] = value;
  }

  remove(path: TextPath): void {
    if (path.length > 0) delete this.parentOf(path)[path[path.length - 1] as string | number];
  }

  /** Renames the key at the end of `path`, keeping the object's key order. */
  renameKey(path: TextPath, to: string): void {
    const parent = this.parentOf(path);
    const from = String(path[path.length - 1]);
    const entries = Object.entries(parent);
    for (const [k] of entries) delete parent[k];
    for (const [k, v] of entries) parent[k === from ? to : k] = v;
  }
}

interface Edit {
  start: number;
  end: number;
  replacement: string;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at);
}

export interface PseudonymisedRequest<R> {
  /** A copy of the request with every finding replaced; the original is left untouched. */
  request: R;
  mapping: PseudonymMapping;
}

type RequestLike = Pick<ChatRequest, 'messages'> & Partial<Pick<ChatRequest, 'params' | 'extra'>>;

/** Detects and pseudonymises every text of a request in one step. */
export function pseudonymiseRequest<R extends RequestLike>(request: R, options: RequestDetectOptions = {}): PseudonymisedRequest<R> {
  const { texts, findings } = detectPiiInRequest(request, options);
  return pseudonymiseFindings(request, texts, findings);
}

/**
 * What pseudonymising a request changes, as plain data (it crosses the worker boundary for large requests):
 * the mapping, and each changed text's new content (null: the field is left out).
 */
export interface RewritePlan {
  mapping: Map<string, string>;
  changed: Map<number, string | null>;
}

/**
 * Plans the replacement of findings already made by detectPiiInRequest (over `texts`), so a request is
 * scanned once however many decisions read the findings. A `drop` field with a finding (a message `name`)
 * is left out; `keep-local` fields are replaced too, for the request log's copy (a request with such a
 * finding never reaches a cloud model).
 */
export function planRewrite(texts: readonly RequestText[], findings: readonly RequestPiiFinding[], options: { tag?: string } = {}): RewritePlan {
  const tag = options.tag ?? placeholderTag(texts.map((t) => t.text));
  const pseudonymiser = createPseudonymiser({ tag });
  const edits = new Map<number, Edit[]>();
  // Numbered in reading order, so <PERSON_1_…> is the first person the model reads about.
  const ordered = [...findings].sort((a, b) => (a.pieces[0]?.text ?? 0) - (b.pieces[0]?.text ?? 0) || (a.pieces[0]?.start ?? 0) - (b.pieces[0]?.start ?? 0));
  for (const f of ordered) {
    const placeholder = pseudonymiser.placeholderFor(f.type, f.value);
    f.pieces.forEach((piece, k) => {
      const list = edits.get(piece.text) ?? [];
      list.push({ start: piece.start, end: piece.end, replacement: k === 0 ? placeholder : '' });
      edits.set(piece.text, list);
    });
  }
  const changed = new Map<number, string | null>();
  for (const [index, list] of edits) {
    const t = texts[index] as RequestText;
    changed.set(index, t.onFinding === 'drop' ? null : applyEdits(t.text, list));
  }
  return { mapping: new Map(pseudonymiser.mapping), changed };
}

/** A copy of `request` with the plan's changes; fields without one are shared with the original, not copied. */
export function applyRewrite<R extends RequestLike>(request: R, texts: readonly RequestText[], plan: RewritePlan): PseudonymisedRequest<R> {
  const top = new CopyOnWrite(request);
  // Tool arguments are JSON inside a string: their strings are rewritten in the decoded value, then encoded again.
  const inner = new Map<string, { path: TextPath; writer: CopyOnWrite; renames: Array<[TextPath, string]> }>();
  const renames: Array<[TextPath, string]> = [];
  for (const [index, rewritten] of plan.changed) {
    const t = texts[index] as RequestText;
    if (rewritten === null) {
      top.remove(t.path);
      continue;
    }
    if (t.inner === undefined) {
      if (t.key) renames.push([t.path, rewritten]);
      else top.set(t.path, rewritten);
      continue;
    }
    const id = JSON.stringify(t.path);
    let doc = inner.get(id);
    if (!doc) {
      doc = { path: t.path, writer: new CopyOnWrite(JSON.parse(String(valueAt(request, t.path)))), renames: [] };
      inner.set(id, doc);
    }
    if (t.key) doc.renames.push([t.inner, rewritten]);
    else doc.writer.set(t.inner, rewritten);
  }
  // Keys last, deepest first: the value paths above still name the original keys.
  const byDepth = (a: [TextPath, string], b: [TextPath, string]): number => b[0].length - a[0].length;
  for (const doc of inner.values()) {
    for (const [path, to] of doc.renames.sort(byDepth)) doc.writer.renameKey(path, to);
    top.set(doc.path, JSON.stringify(doc.writer.root));
  }
  for (const [path, to] of renames.sort(byDepth)) top.renameKey(path, to);
  return { request: top.root as R, mapping: plan.mapping };
}

/** planRewrite and applyRewrite in one step. */
export function pseudonymiseFindings<R extends RequestLike>(
  request: R,
  texts: readonly RequestText[],
  findings: readonly RequestPiiFinding[],
  options: { tag?: string } = {},
): PseudonymisedRequest<R> {
  return applyRewrite(request, texts, planRewrite(texts, findings, options));
}

function valueAt(root: unknown, path: TextPath): unknown {
  let node = root;
  for (const step of path) node = (node as Container | undefined)?.[step];
  return node;
}
