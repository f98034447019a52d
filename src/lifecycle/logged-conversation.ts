/**
 * A logged request as a plain conversation: the system, user and assistant turns of its request body and
 * the answer in its response body, as text. Reads the three wire formats the request log holds (OpenAI
 * chat completions, Anthropic messages, OpenAI responses; a pseudonymised route's logged request is always
 * in the chat shape). Feedback (a label correction needs the task input) and the fine-tune export use it.
 *
 * Only text counts: a turn with images, audio or tool calls makes the conversation unreadable (null), so an
 * export never carries half a conversation.
 */

export type ConversationRole = 'system' | 'user' | 'assistant';

export interface ConversationTurn {
  role: ConversationRole;
  content: string;
}

export interface LoggedConversation {
  /** The turns the client sent, in order (`developer` read as `system`). */
  turns: ConversationTurn[];
  /** The answer's text; null when the response body is missing or unreadable. */
  answer: string | null;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A content value as text: a string, or text parts only (`text`, `input_text`, `output_text`); null otherwise. */
function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  let out = '';
  for (const part of content) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (!isObject(part) || typeof part.text !== 'string') return null;
    if (part.type !== 'text' && part.type !== 'input_text' && part.type !== 'output_text') return null;
    out += part.text;
  }
  return out;
}

function roleOf(role: unknown): ConversationRole | null {
  if (role === 'system' || role === 'developer') return 'system';
  if (role === 'user' || role === 'assistant') return role;
  return null;
}

function turnsOfMessages(messages: unknown[]): ConversationTurn[] | null {
  const turns: ConversationTurn[] = [];
  for (const m of messages) {
    if (!isObject(m)) return null;
    // Tool calls and tool results are not plain text turns.
    if (m.tool_calls !== undefined || m.type === 'function_call' || m.type === 'function_call_output') return null;
    const role = roleOf(m.role);
    const content = textOf(m.content);
    if (role === null || content === null) return null;
    turns.push({ role, content });
  }
  return turns;
}

/** The request body's turns, or null when it is not a text conversation in a known format. */
export function requestTurns(requestBody: string | null): ConversationTurn[] | null {
  const body = parse(requestBody);
  if (!isObject(body)) return null;
  const turns: ConversationTurn[] = [];
  if (Array.isArray(body.messages)) {
    // Anthropic puts the system prompt beside the messages.
    if (body.system !== undefined) {
      const system = textOf(body.system);
      if (system === null) return null;
      turns.push({ role: 'system', content: system });
    }
    const rest = turnsOfMessages(body.messages);
    return rest === null ? null : [...turns, ...rest];
  }
  if (body.input !== undefined) {
    if (typeof body.instructions === 'string') turns.push({ role: 'system', content: body.instructions });
    if (typeof body.input === 'string') return [...turns, { role: 'user', content: body.input }];
    if (!Array.isArray(body.input)) return null;
    const rest = turnsOfMessages(body.input);
    return rest === null ? null : [...turns, ...rest];
  }
  return null;
}

/** The answer's text in a response body, or null. */
export function answerText(responseBody: string | null): string | null {
  const body = parse(responseBody);
  if (!isObject(body)) return null;
  if (Array.isArray(body.choices)) {
    const first = body.choices[0];
    if (!isObject(first) || !isObject(first.message) || first.message.tool_calls !== undefined) return null;
    return textOf(first.message.content);
  }
  if (body.type === 'message' && Array.isArray(body.content)) return textOf(body.content);
  if (Array.isArray(body.output)) {
    let out = '';
    for (const item of body.output) {
      if (!isObject(item)) return null;
      if (item.type === 'reasoning') continue;
      if (item.type !== 'message') return null;
      const text = textOf(item.content);
      if (text === null) return null;
      out += text;
    }
    return out;
  }
  return null;
}

export function loggedConversation(record: { requestBody: string | null; responseBody: string | null }): LoggedConversation | null {
  const turns = requestTurns(record.requestBody);
  return turns === null ? null : { turns, answer: answerText(record.responseBody) };
}
