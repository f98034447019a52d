/**
 * Fake upstreams for the flow tests and bench: a cloud model that triages, plans and synthesises, and a
 * local model that acts, replaying the answers recorded in test/fixtures/flows.json (picked by a marker in
 * the prompt), whole or as SSE chunks, with usage. Markers in a subtask make it fail (`fail-marker`), hang
 * (`slow-marker`) or report far more tokens than it produced (`greedy-marker`).
 */
import { readFileSync } from 'node:fs';
import { startFakeUpstream, type FakeResponse, type FakeUpstream, type RecordedRequest } from '../../src/providers/testing/fake-upstream.js';

interface Fixtures {
  triage: Record<string, string[]>;
  plans: Record<string, string>;
}

export const FLOW_FIXTURES = JSON.parse(readFileSync(new URL('../fixtures/flows.json', import.meta.url), 'utf8')) as Fixtures;

interface Body {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content: unknown }>;
  response_format?: { type: string; json_schema?: { name: string } };
}

const text = (content: unknown): string => (typeof content === 'string' ? content : JSON.stringify(content));

export function completion(
  body: Body,
  answer: string,
  usage = { prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), completion_tokens: Math.max(1, Math.ceil(answer.length / 4)) },
): FakeResponse {
  const model = body.model;
  const total = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  if (!body.stream) {
    return {
      body: {
        id: 'chatcmpl-flow',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop', logprobs: null }],
        usage: total,
      },
    };
  }
  const chunk = (delta: unknown, finish: string | null): string =>
    `data: ${JSON.stringify({ id: 'chatcmpl-flow', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const words = answer.split(/(?<= )/);
  return {
    chunks: [
      chunk({ role: 'assistant', content: '' }, null),
      ...words.map((w) => chunk({ content: w }, null)),
      chunk({}, 'stop'),
      `data: ${JSON.stringify({ id: 'chatcmpl-flow', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: total })}\n\n`,
      'data: [DONE]\n\n',
    ],
  };
}

export function cloudResponder(options: { synthDelayMs?: number } = {}): (request: RecordedRequest) => FakeResponse {
  return (recorded) => {
    const body = recorded.json as Body;
    const prompt = body.messages.map((m) => text(m.content)).join('\n');
    const schema = body.response_format?.json_schema?.name;
    if (schema === 'triage') {
      const marker = Object.keys(FLOW_FIXTURES.triage).find((k) => prompt.includes(k)) ?? 'default';
      // The repair turn carries the first answer back: the second recorded answer is the repaired one.
      const answers = FLOW_FIXTURES.triage[marker] as string[];
      const repairing = body.messages.some((m) => m.role === 'assistant');
      return completion(body, answers[Math.min(answers.length - 1, repairing ? 1 : 0)] as string);
    }
    if (schema === 'plan') {
      const marker = Object.keys(FLOW_FIXTURES.plans).find((k) => prompt.includes(k)) ?? 'default';
      return completion(body, FLOW_FIXTURES.plans[marker] as string);
    }
    return subtaskOrAnswer(body, prompt, 'cloud', options.synthDelayMs);
  };
}

export function localResponder(): (request: RecordedRequest) => FakeResponse {
  return (recorded) => {
    const body = recorded.json as Body;
    return subtaskOrAnswer(body, body.messages.map((m) => text(m.content)).join('\n'), 'local');
  };
}

function subtaskOrAnswer(body: Body, prompt: string, who: string, delayMs?: number): FakeResponse {
  // A synthesis quotes the subtasks, markers included: they act only on the subtask itself.
  const subtask = !prompt.includes('Results:');
  if (subtask && prompt.includes('fail-marker'))
    return { status: 400, body: { error: { message: 'the model refused this subtask', type: 'invalid_request_error' } } };
  if (subtask && prompt.includes('slow-marker')) return { ...completion(body, 'too late'), delayMs: 5_000 };
  const last = text([...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '');
  const answer = `${who} answer to: ${last.replace(/\s+/g, ' ').slice(0, 200)}`;
  if (subtask && prompt.includes('greedy-marker')) return completion(body, answer, { prompt_tokens: 10, completion_tokens: 5_000_000 });
  const response = completion(body, answer);
  return delayMs === undefined ? response : { ...response, chunkDelayMs: delayMs };
}

export async function startFlowUpstreams(
  options: { synthDelayMs?: number } = {},
): Promise<{ cloud: FakeUpstream; local: FakeUpstream; close(): Promise<void> }> {
  const cloud = await startFakeUpstream({ '/v1/chat/completions': cloudResponder(options) });
  const local = await startFakeUpstream({ '/v1/chat/completions': localResponder() });
  return {
    cloud,
    local,
    async close() {
      await Promise.all([cloud.close(), local.close()]);
    },
  };
}
