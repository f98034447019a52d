/**
 * What a task route's config says about its traffic, compiled once: where the input is in a request, how
 * the label is read from the teacher's answer, and how the student writes an answer the teacher would.
 */
import { lastUserText, type ChatRequest } from '../spec/chat-request.js';
import type { TaskConfig } from './task-schema.js';

export interface TaskSpec {
  /** The input text of a request ('' when it has none). */
  input(request: Pick<ChatRequest, 'messages'>): string;
  /** The label in a teacher's answer; null when the answer has none (or one outside a fixed set). */
  label(answer: string): string | null;
  /** The answer text the teacher would give for this label. */
  answer(label: string): string;
}

/** Longest label accepted from an open set: a longer "label" is an answer that did not follow the task. */
const MAX_LABEL_CHARS = 200;

export function compileTaskSpec(config: Pick<TaskConfig, 'prompt_template' | 'labels' | 'label'>): TaskSpec {
  const template = config.prompt_template;
  const at = template?.indexOf('{input}') ?? -1;
  const prefix = template !== undefined && at >= 0 ? template.slice(0, at).trim() : '';
  const suffix = template !== undefined && at >= 0 ? template.slice(at + '{input}'.length).trim() : '';
  const fixed = config.labels ? new Map(config.labels.map((l) => [l.toLowerCase(), l])) : null;
  const spec = config.label;
  const pattern = spec.from === 'regex' ? new RegExp(spec.pattern) : null;

  const accept = (raw: string): string | null => {
    const label = raw.trim();
    if (label.length === 0 || label.length > MAX_LABEL_CHARS) return null;
    if (fixed === null) return label;
    return fixed.get(label.toLowerCase()) ?? null;
  };

  return {
    input(request) {
      let text = lastUserText(request).trim();
      if (prefix && text.startsWith(prefix)) text = text.slice(prefix.length);
      if (suffix && text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
      return text.trim();
    },
    label(answer) {
      if (spec.from === 'answer') return accept(answer);
      if (spec.from === 'json') {
        const value = parseJsonField(answer, spec.field);
        return typeof value === 'string' ? accept(value) : null;
      }
      const match = pattern?.exec(answer);
      if (!match) return null;
      return accept(match[1] ?? match[0]);
    },
    answer(label) {
      if (spec.from === 'answer') return label;
      if (spec.from === 'json') return JSON.stringify({ [spec.field]: label });
      return spec.answer_template.replaceAll('{label}', label);
    },
  };
}

function parseJsonField(answer: string, field: string): unknown {
  // Teachers often wrap JSON in a Markdown fence; the object is what counts.
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed: unknown = JSON.parse(answer.slice(start, end + 1));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)[field] : undefined;
  } catch {
    return undefined;
  }
}
