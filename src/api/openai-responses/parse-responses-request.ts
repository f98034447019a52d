/**
 * Validates an OpenAI Responses API body (https://platform.openai.com/docs/api-reference/responses/create)
 * into Tandem's ChatRequest:
 *
 * - `instructions` → a system message first; `input` as a string → one user message.
 * - `input` items: messages (roles user, system, developer, assistant; content as a string or
 *   input_text / input_image / input_file / output_text / refusal parts), `function_call` items →
 *   assistant tool_calls (consecutive calls share one assistant turn), `function_call_output` → `tool`
 *   messages. `reasoning` items from an earlier answer are dropped (only their author can use them).
 * - function `tools` (flat: name, description, parameters, strict) and `tool_choice`; built-in tools
 *   (web search, file search, computer use…) are refused with a 400: no model behind Tandem runs them.
 * - `max_output_tokens`, `temperature`, `top_p`, `parallel_tool_calls`, `user`, `metadata`, and
 *   `text.format` (json_schema / json_object / text) → response_format; `safety_identifier`,
 *   `prompt_cache_key`, `service_tier` and `reasoning.effort` (as `reasoning_effort`) go on as chat fields.
 *
 * Tandem is stateless here (docs/decisions/api-edges.md): `store: true`, `previous_response_id`,
 * `conversation`, `item_reference` items and `background: true` are refused with a 400 that says so, rather
 * than silently answering without the state they ask for. Omitting `store` is accepted and means no storage.
 */
import { z } from 'zod';
import type { ChatMessage, ChatRequest, ContentPart, GenerationParams, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from '../../spec/chat-request.js';
import { GatewayError } from '../../spec/errors.js';
import { requestIssueToError, type UnionHints } from '../describe-request-issue.js';
import { checkChatCounts, DEFAULT_SHAPE_LIMITS, type ShapeLimits } from '../json-shape-limits.js';

const inputText = z.looseObject({ type: z.enum(['input_text', 'output_text']), text: z.string() });
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
});
const inputFile = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().optional(),
  file_url: z.string().optional(),
  file_id: z.string().nullable().optional(),
  filename: z.string().optional(),
});
const part = z.discriminatedUnion('type', [inputText, refusalPart, inputImage, inputFile]);

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(part)]),
});
const functionCallItem = z.looseObject({ type: z.literal('function_call'), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() });
const functionOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(part)]),
});
const otherItem = z.looseObject({ type: z.string() });

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

const toolChoice = z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), name: z.string().min(1) })]);

const format = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullable().optional(),
    description: z.string().optional(),
  }),
]);

const body = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown()).min(1, 'input must contain at least one item')]),
  instructions: z.string().nullable().optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  text: z.looseObject({ format: format.optional() }).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  reasoning: z.unknown().optional(),
  include: z.array(z.string()).nullable().optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
  service_tier: z.string().nullable().optional(),
  prompt_cache_key: z.string().optional(),
  safety_identifier: z.string().optional(),
  stream_options: z.unknown().optional(),
});

type ResponsesBody = z.infer<typeof body>;

/** What the Responses API's union fields accept, for the 400's wording. */
const HINTS: UnionHints = [
  [/^input$/, 'a string or an array of input items (messages, function_call, function_call_output)'],
  [
    /(^|\.)(content|output)$/,
    'a string or an array of content parts ({"type": "input_text", "text"}, {"type": "input_image", "image_url"} or {"type": "input_file", "file_data"})',
  ],
];

export function parseResponsesRequest(json: unknown, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): ChatRequest {
  // The input items are the messages; the shape limits count them the same way.
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const { input, tools, metadata } = json as Record<string, unknown>;
    checkChatCounts({ messages: Array.isArray(input) ? input : undefined, tools, metadata }, limits);
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) throw requestIssueToError(parsed.error, json, HINTS);
  refuseState(parsed.data);
  return toChatRequest(parsed.data);
}

function refuseState(b: ResponsesBody): void {
  const refuse = (param: string, what: string): never => {
    throw new GatewayError({
      status: 400,
      param,
      code: 'unsupported_parameter',
      message: `${what} is not supported: Tandem answers the Responses API statelessly and stores no responses. Send the whole conversation in \`input\` (and \`store: false\`, or omit it).`,
    });
  };
  if (b.store === true) refuse('store', '`store: true`');
  if (b.previous_response_id != null) refuse('previous_response_id', '`previous_response_id`');
  if (b.conversation != null) refuse('conversation', '`conversation`');
  if (b.background === true) refuse('background', '`background: true`');
}

function toChatRequest(b: ResponsesBody): ChatRequest {
  const messages: ChatMessage[] = [];
  if (b.instructions != null && b.instructions !== '') messages.push({ role: 'system', content: b.instructions });
  if (typeof b.input === 'string') messages.push({ role: 'user', content: b.input });
  else for (const [i, item] of b.input.entries()) addItem(messages, item, i);
  const params: GenerationParams = {};
  if (b.max_output_tokens != null) params.max_tokens = b.max_output_tokens;
  if (b.temperature != null) params.temperature = b.temperature;
  if (b.top_p != null) params.top_p = b.top_p;
  if (b.parallel_tool_calls != null) params.parallel_tool_calls = b.parallel_tool_calls;
  if (b.user !== undefined) params.user = b.user;
  if (b.metadata != null) params.metadata = b.metadata;
  if (b.tools !== undefined && b.tools.length > 0) params.tools = b.tools.map((t, i) => toFunctionTool(t, i));
  if (b.tool_choice !== undefined) params.tool_choice = toToolChoice(b.tool_choice);
  const responseFormat = toResponseFormat(b.text?.format);
  if (responseFormat) params.response_format = responseFormat;
  // Chat completions know these under the same names: OpenAI-compatible upstreams get them as they came
  // (and `safety_identifier`, an end-user id, only as its keyed hash on a privacy route).
  const extra: Record<string, unknown> = {};
  if (b.safety_identifier !== undefined) extra.safety_identifier = b.safety_identifier;
  if (b.prompt_cache_key !== undefined) extra.prompt_cache_key = b.prompt_cache_key;
  if (b.service_tier != null) extra.service_tier = b.service_tier;
  const effort = typeof b.reasoning === 'object' && b.reasoning !== null ? (b.reasoning as { effort?: unknown }).effort : undefined;
  if (typeof effort === 'string') extra.reasoning_effort = effort;
  return { model: b.model, messages, stream: b.stream === true, includeUsage: true, params, extra };
}

function addItem(messages: ChatMessage[], raw: unknown, i: number): void {
  const where = `input[${i}]`;
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? (raw as { type: unknown }).type : undefined;
  if (type === undefined || type === 'message') {
    const item = parseItem(messageItem, raw, where);
    messages.push({
      role: item.role,
      content: typeof item.content === 'string' ? item.content : item.content.map((p, j) => toPart(p, `${where}.content[${j}]`)),
    });
    return;
  }
  if (type === 'function_call') {
    const item = parseItem(functionCallItem, raw, where);
    const call: ToolCall = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } };
    const last = messages.at(-1);
    if (last?.role === 'assistant' && last.tool_calls !== undefined) last.tool_calls.push(call);
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    return;
  }
  if (type === 'function_call_output') {
    const item = parseItem(functionOutputItem, raw, where);
    const content = typeof item.output === 'string' ? item.output : item.output.map((p, j) => toPart(p, `${where}.output[${j}]`));
    messages.push({ role: 'tool', tool_call_id: item.call_id, content });
    return;
  }
  parseItem(otherItem, raw, where);
  if (type === 'reasoning') return;
  if (type === 'item_reference') {
    throw new GatewayError({
      status: 400,
      param: `${where}.type`,
      code: 'unsupported_parameter',
      message: `${where}: item references need stored responses, which Tandem does not keep; send the item itself.`,
    });
  }
  throw new GatewayError({
    status: 400,
    param: `${where}.type`,
    code: 'invalid_value',
    message: `Invalid value for '${where}.type': ${JSON.stringify(type)}. Supported values are: "message", "function_call", "function_call_output" and "reasoning".`,
  });
}

function parseItem<T extends z.ZodType>(schema: T, raw: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = requestIssueToError(parsed.error, raw, HINTS);
  const param = issue.param ? `${where}.${issue.param}` : where;
  throw new GatewayError({
    status: 400,
    param,
    code: issue.code,
    message: issue.message.replace(`'${issue.param ?? ''}'`, `'${param}'`).replace('the request body', `'${where}'`),
  });
}

function toPart(p: z.infer<typeof part>, where: string): ContentPart {
  switch (p.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: p.text };
    case 'refusal':
      return { type: 'text', text: p.refusal };
    case 'input_image': {
      if (!p.image_url) throw unsupported(`${where}.image_url`, "images are accepted as URLs or data: URLs in `image_url` (file ids need OpenAI's file store)");
      const image: ContentPart = { type: 'image_url', image_url: p.detail ? { url: p.image_url, detail: p.detail } : { url: p.image_url } };
      return image;
    }
    case 'input_file': {
      if (!p.file_data) throw unsupported(`${where}.file_data`, "files are accepted inline as `file_data` (file ids and URLs need OpenAI's file store)");
      return { type: 'file', file: { file_data: p.file_data, filename: p.filename ?? 'file' } };
    }
  }
}

function toFunctionTool(raw: unknown, i: number): ToolDefinition {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? (raw as { type: unknown }).type : undefined;
  if (typeof type === 'string' && type !== 'function') {
    throw unsupported(`tools[${i}].type`, `built-in tools ("${type}") are not supported: the models behind Tandem do not run them; declare a function tool`);
  }
  const t = parseItem(functionTool, raw, `tools[${i}]`);
  const fn: ToolDefinition['function'] = { name: t.name };
  if (t.description != null) fn.description = t.description;
  if (t.parameters != null) fn.parameters = t.parameters;
  if (t.strict != null) fn.strict = t.strict;
  return { type: 'function', function: fn };
}

function toToolChoice(choice: z.infer<typeof toolChoice>): ToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toResponseFormat(f: z.infer<typeof format> | undefined): ResponseFormat | undefined {
  if (f === undefined || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  const schema: Extract<ResponseFormat, { type: 'json_schema' }>['json_schema'] = { name: f.name, schema: f.schema };
  if (f.strict != null) schema.strict = f.strict;
  if (f.description !== undefined) schema.description = f.description;
  return { type: 'json_schema', json_schema: schema };
}

function unsupported(param: string, why: string): GatewayError {
  return new GatewayError({ status: 400, param, code: 'unsupported_parameter', message: `Invalid value for '${param}': ${why}.` });
}
