/**
 * Validates an Anthropic Messages API body (https://docs.anthropic.com/en/api/messages) into Tandem's
 * ChatRequest, whose messages are in OpenAI's chat shape:
 *
 * - `system` (a string or text blocks) → one system message.
 * - user turns: `text` → text parts; `image` (base64 or url) → image_url parts (base64 as a data: URL);
 *   PDF `document` blocks → `file` parts; `tool_result` blocks → `tool` messages, placed before the turn's
 *   other content (tool results answer the previous assistant turn).
 * - assistant turns: `text` → content; `tool_use` → tool_calls with the input as JSON arguments.
 *   `thinking` / `redacted_thinking` blocks from earlier turns are dropped: they are only meaningful to the
 *   model that wrote them, and any model may answer here.
 * - `tools` → function tools (`input_schema` → `parameters`); server tools (web search, code execution…)
 *   are refused with a 400: no model behind Tandem runs them.
 * - `tool_choice`: auto → auto, any → required, tool → that function, none → none;
 *   `disable_parallel_tool_use` → parallel_tool_calls: false.
 * - `max_tokens` (required, as Anthropic requires it), `stop_sequences`, `temperature` (0–1), `top_p`,
 *   `top_k` (kept in `extra`: Anthropic and most local servers take it under that name), `metadata.user_id`
 *   → `user`.
 *
 * Unknown top-level fields are refused, as Anthropic refuses them; `thinking` and `service_tier` are
 * accepted and not acted on (x-tandem-warnings would not reach an SDK user; docs/api-edges.md says so).
 */
import { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, GenerationParams, ToolCall, ToolChoice, ToolDefinition } from '../../spec/chat-request.js';
import { GatewayError } from '../../spec/errors.js';
import { requestIssueToError, type UnionHints } from '../describe-request-issue.js';
import { checkChatCounts, DEFAULT_SHAPE_LIMITS, type ShapeLimits } from '../json-shape-limits.js';

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const imageSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
]);
const imageBlock = z.looseObject({ type: z.literal('image'), source: imageSource });
const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string(), media_type: z.string().optional(), data: z.string().optional(), url: z.string().optional() }),
  title: z.string().nullable().optional(),
});
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()) });
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
const thinkingBlock = z.looseObject({ type: z.enum(['thinking', 'redacted_thinking']) });
const block = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock]);

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(block)]),
});

const tool = z.looseObject({
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  type: z.literal('custom').nullable().optional(),
  cache_control: z.unknown().optional(),
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

const body = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(message).min(1, 'messages must contain at least one message'),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: toolChoice.optional(),
  metadata: z.object({ user_id: z.string().nullable().optional() }).optional(),
  thinking: z.unknown().optional(),
  service_tier: z.string().optional(),
});

type MessagesBody = z.infer<typeof body>;

/** What Anthropic's union fields accept, for the 400's wording. */
const HINTS: UnionHints = [
  [
    /(^|\.)content$/,
    'a string or an array of content blocks ({"type": "text", "text"}, {"type": "image", "source"}, {"type": "tool_use", …} or {"type": "tool_result", …})',
  ],
  [/^system$/, 'a string or an array of text blocks ({"type": "text", "text"})'],
];
type Block = z.infer<typeof block>;

/** The same body for `count_tokens`: everything but `max_tokens` and the sampling settings. */
const countBody = body.omit({
  max_tokens: true,
  stream: true,
  stop_sequences: true,
  temperature: true,
  top_p: true,
  top_k: true,
  metadata: true,
  service_tier: true,
});

export function parseMessagesRequest(json: unknown, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): ChatRequest {
  checkChatCounts(json, limits);
  const parsed = body.safeParse(json);
  if (!parsed.success) throw requestIssueToError(parsed.error, json, HINTS);
  return toChatRequest(parsed.data);
}

/** A `POST /v1/messages/count_tokens` body as a (never sent) ChatRequest. */
export function parseCountTokensRequest(json: unknown, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): ChatRequest {
  checkChatCounts(json, limits);
  const parsed = countBody.safeParse(json);
  if (!parsed.success) throw requestIssueToError(parsed.error, json, HINTS);
  return toChatRequest({ ...parsed.data, max_tokens: 1 });
}

function toChatRequest(b: MessagesBody): ChatRequest {
  const messages: ChatMessage[] = [];
  if (b.system !== undefined) {
    const text = typeof b.system === 'string' ? b.system : b.system.map((s) => s.text).join('\n');
    if (text !== '') messages.push({ role: 'system', content: text });
  }
  b.messages.forEach((m, i) => {
    if (m.role === 'user') messages.push(...userTurn(m.content, i));
    else messages.push(assistantTurn(m.content, i));
  });
  const params: GenerationParams = { max_tokens: b.max_tokens };
  if (b.temperature !== undefined) params.temperature = b.temperature;
  if (b.top_p !== undefined) params.top_p = b.top_p;
  if (b.stop_sequences !== undefined && b.stop_sequences.length > 0) params.stop = b.stop_sequences;
  if (b.metadata?.user_id != null) params.user = b.metadata.user_id;
  if (b.tools !== undefined) params.tools = b.tools.map((t, i) => functionTool(t, i));
  if (b.tool_choice !== undefined) {
    params.tool_choice = toToolChoice(b.tool_choice);
    if ('disable_parallel_tool_use' in b.tool_choice && b.tool_choice.disable_parallel_tool_use === true) params.parallel_tool_calls = false;
  }
  const extra: Record<string, unknown> = {};
  if (b.top_k !== undefined) extra.top_k = b.top_k;
  return { model: b.model, messages, stream: b.stream === true, includeUsage: true, params, extra };
}

function userTurn(content: string | Block[], i: number): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  content.forEach((b, j) => {
    switch (b.type) {
      case 'text':
        parts.push({ type: 'text', text: b.text });
        break;
      case 'image':
        parts.push(imagePart(b.source));
        break;
      case 'document':
        parts.push(documentPart(b, `messages[${i}].content[${j}]`));
        break;
      case 'tool_result':
        out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: toolResultContent(b) });
        break;
      case 'tool_use':
        throw badBlock(`messages[${i}].content[${j}]`, 'tool_use blocks belong in assistant turns');
      default:
        break; // thinking blocks
    }
  });
  if (parts.length > 0) out.push({ role: 'user', content: parts });
  if (out.length === 0) out.push({ role: 'user', content: '' });
  return out;
}

function assistantTurn(content: string | Block[], i: number): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const calls: ToolCall[] = [];
  content.forEach((b, j) => {
    if (b.type === 'text') text += b.text;
    else if (b.type === 'tool_use') calls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } });
    else if (b.type !== 'thinking' && b.type !== 'redacted_thinking')
      throw badBlock(`messages[${i}].content[${j}]`, `${b.type} blocks are not accepted in assistant turns`);
  });
  const message: ChatMessage = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

function imagePart(source: z.infer<typeof imageSource>): ContentPart {
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

function documentPart(b: z.infer<typeof documentBlock>, where: string): ContentPart {
  const { source } = b;
  if (source.type === 'base64' && source.media_type === 'application/pdf' && source.data) {
    return { type: 'file', file: { file_data: `data:application/pdf;base64,${source.data}`, filename: b.title ?? 'document.pdf' } };
  }
  if (source.type === 'text' && source.data !== undefined) return { type: 'text', text: source.data };
  throw badBlock(`${where}.source`, 'document blocks are accepted as base64 PDFs or plain text');
}

function toolResultContent(b: z.infer<typeof toolResultBlock>): string | ContentPart[] {
  const prefix = b.is_error === true ? 'Error: ' : '';
  if (b.content === undefined) return prefix;
  if (typeof b.content === 'string') return prefix + b.content;
  const parts: ContentPart[] = b.content.map((c) => (c.type === 'text' ? { type: 'text', text: c.text } : imagePart(c.source)));
  if (prefix && parts[0]?.type === 'text') (parts[0] as { text: string }).text = prefix + (parts[0] as { text: string }).text;
  return parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('\n') : parts;
}

function functionTool(value: unknown, i: number): ToolDefinition {
  const parsed = tool.safeParse(value);
  if (!parsed.success) {
    const type = typeof value === 'object' && value !== null && 'type' in value ? (value as { type: unknown }).type : undefined;
    if (typeof type === 'string' && type !== 'custom') {
      throw new GatewayError({
        status: 400,
        param: `tools[${i}].type`,
        code: 'unsupported_tool',
        message: `tools[${i}]: server tools ("${type}") are not supported: the models behind Tandem do not run them. Declare a custom tool with name, description and input_schema.`,
      });
    }
    const issue = requestIssueToError(parsed.error, value);
    throw new GatewayError({
      status: 400,
      param: `tools[${i}]${issue.param ? `.${issue.param}` : ''}`,
      code: issue.code,
      message: `tools[${i}]: ${issue.message}`,
    });
  }
  const t = parsed.data;
  const fn: ToolDefinition['function'] = { name: t.name, parameters: t.input_schema };
  if (t.description !== undefined) fn.description = t.description;
  return { type: 'function', function: fn };
}

function toToolChoice(choice: z.infer<typeof toolChoice>): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

function badBlock(param: string, why: string): GatewayError {
  return new GatewayError({ status: 400, param, code: 'invalid_value', message: `Invalid value for '${param}': ${why}.` });
}
