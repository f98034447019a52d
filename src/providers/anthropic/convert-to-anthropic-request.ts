/**
 * ChatRequest → Anthropic Messages API body (https://docs.anthropic.com/en/api/messages).
 *
 * Settings Anthropic cannot honour (seed, penalties, logprobs, n, unknown fields) are dropped with a warning.
 * `response_format` json_object / json_schema has no direct equivalent in every model, so it is emulated the
 * way the Vercel AI SDK does: one tool whose input_schema is the wanted schema, forced with tool_choice; the
 * tool's input comes back as the answer's text (see JSON_TOOL_NAME). With other tools in play that trick would
 * take the model's tool choice away, so there it is only a warning.
 */
import type { ChatRequest, ToolChoice, ToolDefinition } from '../../spec/chat-request.js';
import type { JsonRecord } from '../json-fields.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

/** The forced tool that carries a JSON answer. */
export const JSON_TOOL_NAME = 'json_response';

export interface AnthropicRequestOptions {
  model: string;
  stream: boolean;
  /** Anthropic requires max_tokens; used when the request sets none. */
  defaultMaxTokens: number;
  warn(message: string): void;
}

export interface AnthropicRequest {
  body: JsonRecord;
  /** True when the answer is the input of the forced JSON tool. */
  jsonTool: boolean;
}

/** Fields of `extra` sent as they are: Anthropic knows them under the same name. */
const PASSED_THROUGH = new Set(['top_k']);
/** Fields of `extra` the edge already folded into the request; no warning. */
const FOLDED = new Set(['max_completion_tokens', 'stream_options']);

export function convertToAnthropicRequest(request: ChatRequest, options: AnthropicRequestOptions): AnthropicRequest {
  const { params } = request;
  const { warn } = options;
  const { system, messages } = convertToAnthropicMessages(request.messages, warn);
  const body: JsonRecord = { model: options.model, max_tokens: params.max_tokens ?? options.defaultMaxTokens, messages };
  if (system) body.system = system;

  if (params.temperature !== undefined) {
    // OpenAI allows 0–2, Anthropic 0–1.
    if (params.temperature > 1) warn(`temperature ${params.temperature} is above Anthropic's maximum; sent as 1`);
    body.temperature = Math.min(params.temperature, 1);
  }
  if (params.top_p !== undefined) body.top_p = params.top_p;
  if (params.stop?.length) body.stop_sequences = params.stop;
  if (params.user !== undefined) body.metadata = { user_id: params.user };
  for (const key of ['seed', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs'] as const) {
    if (params[key] !== undefined && params[key] !== false) warn(`${key} is not supported by Anthropic and was ignored`);
  }
  if (params.n !== undefined && params.n !== 1) warn(`n=${params.n} is not supported; one choice is generated`);
  for (const [key, value] of Object.entries(request.extra)) {
    if (PASSED_THROUGH.has(key)) body[key] = value;
    else if (!FOLDED.has(key)) warn(`${key} is not supported by Anthropic and was ignored`);
  }

  let jsonTool = false;
  const tools = params.tools ?? [];
  const format = params.response_format;
  if (format && format.type !== 'text') {
    if (tools.length > 0) {
      warn(`response_format ${format.type} cannot be enforced on Anthropic together with tools; it was ignored`);
    } else {
      jsonTool = true;
      const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
      body.tools = [
        {
          name: JSON_TOOL_NAME,
          description: 'Respond with a JSON object.',
          input_schema: schema ?? { type: 'object', additionalProperties: true },
        },
      ];
      body.tool_choice = { type: 'tool', name: JSON_TOOL_NAME };
    }
  }
  if (!jsonTool && tools.length > 0) {
    body.tools = tools.map(convertTool);
    const choice = convertToolChoice(params.tool_choice, params.parallel_tool_calls);
    if (choice) body.tool_choice = choice;
  } else if (!jsonTool && params.tool_choice !== undefined && params.tool_choice !== 'none' && params.tool_choice !== 'auto') {
    warn('tool_choice without tools was ignored');
  }

  if (options.stream) body.stream = true;
  return { body, jsonTool };
}

/** https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#specifying-client-tools */
function convertTool(tool: ToolDefinition): JsonRecord {
  const out: JsonRecord = {
    name: tool.function.name,
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
  if (tool.function.description) out.description = tool.function.description;
  return out;
}

/** https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use */
function convertToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): JsonRecord | undefined {
  let out: JsonRecord | undefined;
  if (choice === undefined) out = undefined;
  else if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else out = { type: 'tool', name: choice.function.name };
  // OpenAI's parallel_tool_calls: false is Anthropic's disable_parallel_tool_use (not valid with 'none').
  if (parallel === false && out?.type !== 'none') out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}
