/**
 * Tandem's own view of a chat request: parsed once at the edge (api/) from the client's wire format,
 * read by policies and routers, and turned back into an upstream's wire format by a provider adapter.
 *
 * Messages keep OpenAI's chat shape because it is the lingua franca every adapter already knows how to
 * translate; everything else is lifted into typed fields so no code below the edge re-parses JSON.
 */

/** A text part of a message's content. */
export interface TextPart {
  type: 'text';
  text: string;
}

/** An image part: a URL or a `data:` URL, passed through to vision-capable models. */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Any other content part (input_audio, file, …): carried through untouched to upstreams that accept it. */
export interface OtherPart {
  type: string;
  [key: string]: unknown;
}

export type ContentPart = TextPart | ImagePart | OtherPart;

/** A tool call the assistant made, as in OpenAI's `message.tool_calls`. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  /** A string, an array of parts, or null (an assistant turn that only calls tools). */
  content: string | ContentPart[] | null;
  name?: string;
  /** Assistant turns only. */
  tool_calls?: ToolCall[];
  /** Tool turns only: which call this message answers. */
  tool_call_id?: string;
}

/** A function the model may call, as in OpenAI's `tools`. */
export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string };
    };

/** Sampling and output settings. Every field is optional; adapters warn about the ones they cannot honour. */
export interface GenerationParams {
  temperature?: number;
  top_p?: number;
  /** Output token limit; `max_completion_tokens` from the client is folded into this. */
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  n?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  user?: string;
  metadata?: Record<string, string>;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
}

export interface ChatRequest {
  /** What the client put in `model`: a route name (e.g. `tandem/auto`) or a model name. */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** The client asked for a usage chunk at the end of the stream (`stream_options.include_usage`). */
  includeUsage: boolean;
  params: GenerationParams;
  /**
   * Fields Tandem does not know. OpenAI-compatible upstreams receive them as they came;
   * other adapters ignore them with a warning.
   */
  extra: Record<string, unknown>;
}

/** The text of a message's content, parts joined by newlines; non-text parts are skipped. */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (content === null) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') text += (text ? '\n' : '') + part.text;
  }
  return text;
}

/** The text of the last user message, or '' when there is none. */
export function lastUserText(request: Pick<ChatRequest, 'messages'>): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return messageText(message);
  }
  return '';
}

/** True when any message carries an image part. */
export function hasImages(request: Pick<ChatRequest, 'messages'>): boolean {
  return request.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'));
}
