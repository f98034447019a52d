/**
 * The fine-tune export (docs/lifecycle.md#fine-tune-export): a route's teacher conversations from the
 * request log, as JSONL for LoRA fine-tuning of a small model, in OpenAI's chat fine-tuning format
 * (`{"messages": [...]}`) or ShareGPT's (`{"conversations": [{"from", "value"}]}`).
 *
 * Which rows: the route's successful answers by its teacher (the task's teacher, else `baseline_model`,
 * else its cloud models), with logged bodies in plain text turns. Feedback filters them: a request whose
 * latest rating says `correct: false` is left out, and with `minScore` only rated requests scoring at
 * least that are kept. On a task route a rating's label replaces the teacher's answer (the correction
 * beats the teacher, as in training).
 *
 * Personal data: by default every conversation is pseudonymised with the route's privacy policy settings
 * (its threshold and types; the defaults where it has none), the same value getting the same placeholder
 * (`<EMAIL_1>`) in every turn. `raw` keeps the text as logged; the command allows it only with the admin key.
 */
import type { RouteConfig, TandemConfig } from '../config/schema.js';
import { compileTaskSpec } from '../distill/task-spec.js';
import { detectPiiInRequest, type RequestDetectOptions } from '../privacy/detect-request-pii.js';
import { pseudonymiseFindings } from '../privacy/pseudonymise.js';
import type { ChatMessage } from '../spec/chat-request.js';
import type { RequestRecord } from '../spec/request-record.js';
import type { FeedbackEntry } from '../store/feedback.js';
import type { Store } from '../store/request-log.js';
import { loggedConversation, type ConversationTurn } from './logged-conversation.js';

export type FinetuneFormat = 'openai' | 'sharegpt';

export interface FinetuneExportOptions {
  store: Pick<Store, 'dashboard' | 'feedback'>;
  config: Pick<TandemConfig, 'routes' | 'models'>;
  route: string;
  format: FinetuneFormat;
  /** Only requests that arrived at or after this time (ms). */
  since?: number;
  /** Keep only requests whose latest feedback has a score of at least this. */
  minScore?: number;
  /** Skip pseudonymisation (admin only; the command checks). */
  raw?: boolean;
  /** Rows read per page of the log. */
  pageSize?: number;
}

export interface FinetuneExportSummary {
  /** Rows of the route in the window. */
  scanned: number;
  exported: number;
  /** Why the others were left out. */
  skipped: Record<'not the teacher' | 'failed' | 'no readable body' | 'feedback: not correct' | 'feedback: below min score' | 'feedback: unrated', number>;
  /** Rows whose answer is a person's label instead of the teacher's. */
  corrected: number;
  /** Placeholders put in, over all rows (0 with raw). */
  pseudonymised: number;
  teachers: string[];
}

/** The models whose answers count as the teacher's on a route. */
export function teacherModels(route: RouteConfig, models: TandemConfig['models']): string[] {
  if (route.task?.teacher) return [route.task.teacher];
  if (route.baseline_model) return [route.baseline_model];
  return route.models.filter((m) => models[m]?.locality === 'cloud');
}

/** The route's privacy policy as detection options (its threshold and types), the defaults when it has none. */
export function routeDetectOptions(route: RouteConfig): RequestDetectOptions {
  const policy = route.policies?.find((p) => p.type === 'privacy');
  if (policy?.type !== 'privacy') return {};
  return policy.types ? { minConfidence: policy.threshold, types: policy.types } : { minConfidence: policy.threshold };
}

/** Pseudonymises a whole conversation as one request: one mapping, so a value reads the same in every turn. */
export function pseudonymiseTurns(turns: readonly ConversationTurn[], options: RequestDetectOptions): { turns: ConversationTurn[]; placeholders: number } {
  const request = { messages: turns.map((t): ChatMessage => ({ role: t.role, content: t.content })) };
  const { texts, findings } = detectPiiInRequest(request, options);
  if (findings.length === 0) return { turns: [...turns], placeholders: 0 };
  // An empty tag: `<EMAIL_1>`, nothing to restore, and the same look in every exported conversation.
  const { request: rewritten, mapping } = pseudonymiseFindings(request, texts, findings, { tag: '' });
  return {
    turns: rewritten.messages.map((m, i) => ({ role: (turns[i] as ConversationTurn).role, content: typeof m.content === 'string' ? m.content : '' })),
    placeholders: mapping.size,
  };
}

export function formatLine(turns: readonly ConversationTurn[], format: FinetuneFormat): string {
  if (format === 'openai') return JSON.stringify({ messages: turns.map((t) => ({ role: t.role, content: t.content })) });
  const from = { system: 'system', user: 'human', assistant: 'gpt' } as const;
  return JSON.stringify({ conversations: turns.map((t) => ({ from: from[t.role], value: t.content })) });
}

/** Yields one JSONL line per exported conversation, newest request first; fills `summary` as it goes. */
export async function* exportFinetune(options: FinetuneExportOptions, summary: FinetuneExportSummary = emptySummary()): AsyncGenerator<string> {
  const route = options.config.routes[options.route];
  if (!route) throw new Error(`route "${options.route}" is not in the config (routes: ${Object.keys(options.config.routes).join(', ') || 'none'})`);
  const teachers = new Set(teacherModels(route, options.config.models));
  summary.teachers = [...teachers];
  const spec = route.task ? compileTaskSpec(route.task) : null;
  const detect = routeDetectOptions(route);
  const pageSize = options.pageSize ?? 500;
  let before: { time: number; seq: number } | undefined;
  for (;;) {
    const page = await options.store.dashboard.requests({
      limit: pageSize,
      ...(before ? { before } : {}),
      ...(options.since !== undefined ? { since: options.since } : {}),
    });
    const rows = page.records.filter((r) => r.route === options.route);
    const feedback = await options.store.feedback.latest(rows.map((r) => r.id));
    for (const row of rows) {
      summary.scanned++;
      const line = exportRow(row, feedback.get(row.id), { teachers, spec, detect, options, summary });
      if (line !== null) {
        summary.exported++;
        yield line;
      }
    }
    if (page.next === null) return;
    before = page.next;
  }
}

function exportRow(
  row: RequestRecord,
  feedback: FeedbackEntry | undefined,
  o: {
    teachers: ReadonlySet<string>;
    spec: ReturnType<typeof compileTaskSpec> | null;
    detect: RequestDetectOptions;
    options: FinetuneExportOptions;
    summary: FinetuneExportSummary;
  },
): string | null {
  const { skipped } = o.summary;
  if (row.model === null || !o.teachers.has(row.model)) return skip(skipped, 'not the teacher');
  if (row.status >= 400) return skip(skipped, 'failed');
  if (feedback?.correct === false) return skip(skipped, 'feedback: not correct');
  if (o.options.minScore !== undefined) {
    if (feedback?.score === undefined || feedback.score === null) return skip(skipped, 'feedback: unrated');
    if (feedback.score < o.options.minScore) return skip(skipped, 'feedback: below min score');
  }
  const conversation = loggedConversation(row);
  if (conversation === null || conversation.answer === null || !conversation.turns.some((t) => t.role === 'user')) return skip(skipped, 'no readable body');
  let answer = conversation.answer;
  const corrected = feedback?.label != null && o.spec !== null ? o.spec.label(o.spec.answer(feedback.label)) : null;
  if (corrected !== null && o.spec !== null) {
    answer = o.spec.answer(corrected);
    o.summary.corrected++;
  }
  let turns: ConversationTurn[] = [...conversation.turns, { role: 'assistant', content: answer }];
  if (o.options.raw !== true) {
    const hidden = pseudonymiseTurns(turns, o.detect);
    turns = hidden.turns;
    o.summary.pseudonymised += hidden.placeholders;
  }
  return formatLine(turns, o.options.format);
}

function skip(skipped: FinetuneExportSummary['skipped'], why: keyof FinetuneExportSummary['skipped']): null {
  skipped[why]++;
  return null;
}

export function emptySummary(): FinetuneExportSummary {
  return {
    scanned: 0,
    exported: 0,
    skipped: {
      'not the teacher': 0,
      failed: 0,
      'no readable body': 0,
      'feedback: not correct': 0,
      'feedback: below min score': 0,
      'feedback: unrated': 0,
    },
    corrected: 0,
    pseudonymised: 0,
    teachers: [],
  };
}
