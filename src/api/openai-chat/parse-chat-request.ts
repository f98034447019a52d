/**
 * Validates an OpenAI chat-completions body once, at the edge, into Tandem's ChatRequest.
 * Errors name the offending field's path (`messages[1].content`) so a client can fix its request.
 * Fields Tandem does not model are kept in `extra` and reach OpenAI-compatible upstreams unchanged.
 */
import { z } from 'zod';
import type { ChatRequest, GenerationParams } from '../../spec/chat-request.js';
import { isSimpleChatBody } from './chat-request-fast-path.js';
import { requestIssueToError } from '../describe-request-issue.js';
import { checkChatCounts, DEFAULT_SHAPE_LIMITS, type ShapeLimits } from '../json-shape-limits.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
// Other part types (input_audio, file, ...) pass through. `abort` makes a bad "text" or "image_url" part fail
// this alternative as hard as the others, so zod reports all three and the error names the bad field.
const otherPart = z.looseObject({ type: z.string().refine((t) => t !== 'text' && t !== 'image_url', { abort: true }) });
const contentPart = z.union([textPart, imagePart, otherPart]);
const content = z.union([z.string(), z.array(contentPart)]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
    refusal: z.string().nullable().optional(),
  }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const toolChoice = z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
      description: z.string().optional(),
    }),
  }),
]);

const body = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1, 'messages must contain at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  n: z.number().int().min(1).max(1, 'n > 1 is not supported').nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormat.optional(),
});

const KNOWN = new Set(Object.keys(body.shape));

type ChatBody = z.infer<typeof body>;

export function parseChatRequest(json: unknown, limits: ShapeLimits = DEFAULT_SHAPE_LIMITS): ChatRequest {
  // Counts first (server.max_messages, ...): the schema's walk is proportional to them.
  checkChatCounts(json, limits);
  // For the common shape the schema's output is the input itself: skip the generic walk.
  if (isSimpleChatBody(json)) return toChatRequest(json as ChatBody);
  return parseChatRequestWithSchema(json);
}

/** The schema path alone; exported so tests can hold the fast path to the same answers. */
export function parseChatRequestWithSchema(json: unknown): ChatRequest {
  const parsed = body.safeParse(json);
  if (!parsed.success) throw requestIssueToError(parsed.error, json);
  return toChatRequest(parsed.data);
}

function toChatRequest(b: ChatBody): ChatRequest {
  const params: GenerationParams = {};
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (maxTokens != null) params.max_tokens = maxTokens;
  if (b.temperature != null) params.temperature = b.temperature;
  if (b.top_p != null) params.top_p = b.top_p;
  if (b.stop != null) params.stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
  if (b.seed != null) params.seed = b.seed;
  if (b.presence_penalty != null) params.presence_penalty = b.presence_penalty;
  if (b.frequency_penalty != null) params.frequency_penalty = b.frequency_penalty;
  if (b.n != null) params.n = b.n;
  if (b.logprobs != null) params.logprobs = b.logprobs;
  if (b.top_logprobs != null) params.top_logprobs = b.top_logprobs;
  if (b.user !== undefined) params.user = b.user;
  if (b.metadata != null) params.metadata = b.metadata;
  if (b.tools !== undefined) params.tools = b.tools as GenerationParams['tools'];
  if (b.tool_choice !== undefined) params.tool_choice = b.tool_choice;
  if (b.parallel_tool_calls !== undefined) params.parallel_tool_calls = b.parallel_tool_calls;
  if (b.response_format !== undefined) params.response_format = b.response_format as GenerationParams['response_format'];

  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(b)) if (!KNOWN.has(key)) extra[key] = (b as Record<string, unknown>)[key];
  // Newer OpenAI models reject max_tokens: remember which name the client used so the upstream gets the same.
  if (b.max_completion_tokens != null) extra.max_completion_tokens = b.max_completion_tokens;

  return {
    model: b.model,
    messages: b.messages as ChatRequest['messages'],
    stream: b.stream === true,
    includeUsage: b.stream_options?.include_usage === true,
    params,
    extra,
  };
}
