/**
 * OpenAI chat messages → Anthropic Messages API `system` + `messages`
 * (https://docs.anthropic.com/en/api/messages).
 *
 * - system / developer messages → the top-level `system` (Anthropic has no system role in `messages`).
 * - image parts: `data:` URLs → base64 sources, http(s) URLs → url sources
 *   (https://docs.anthropic.com/en/docs/build-with-claude/vision); PDF `file` parts → document blocks.
 * - assistant `tool_calls` → `tool_use` blocks; `tool` messages → `tool_result` blocks in a user turn
 *   (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks).
 * - consecutive turns of one role are merged: Anthropic wants user and assistant to alternate, and all
 *   results of one parallel tool call in a single user turn.
 * - empty text blocks are dropped (rejected upstream), and a final assistant turn (a prefill) loses its
 *   trailing whitespace, which the API rejects.
 */
import type { ChatMessage, ContentPart } from '../../spec/chat-request.js';
import { asRecord, asString, parseJson, type JsonRecord } from '../json-fields.js';

export type AnthropicBlock = JsonRecord & { type: string };

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

export interface AnthropicPrompt {
  system: AnthropicBlock[] | undefined;
  messages: AnthropicMessage[];
}

export function convertToAnthropicMessages(messages: ChatMessage[], warn: (message: string) => void): AnthropicPrompt {
  const system: AnthropicBlock[] = [];
  const out: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: AnthropicBlock[]): void => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };

  messages.forEach((message, i) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        if (out.length > 0) warn(`messages[${i}]: a ${message.role} message after the conversation started is moved to the system prompt`);
        system.push(...contentBlocks(message.content, { where: `messages[${i}]`, warn, textOnly: true }));
        break;
      case 'user':
        push('user', contentBlocks(message.content, { where: `messages[${i}]`, warn }));
        break;
      case 'assistant': {
        const blocks = contentBlocks(message.content, { where: `messages[${i}]`, warn, textOnly: true });
        for (const call of message.tool_calls ?? []) {
          blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments, i, warn) });
        }
        push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', [toolResult(message, i, warn)]);
        break;
    }
  });

  const last = out.at(-1);
  if (last?.role === 'assistant') {
    trimTrailingWhitespace(last);
    if (last.content.length === 0) out.pop();
  }
  return { system: system.length > 0 ? system : undefined, messages: out };
}

function contentBlocks(content: ChatMessage['content'], options: { where: string; warn: (message: string) => void; textOnly?: boolean }): AnthropicBlock[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const blocks: AnthropicBlock[] = [];
  content.forEach((part, j) => {
    const block = partBlock(part);
    if (block === null) return; // empty text
    if (block === undefined || (options.textOnly && block.type !== 'text')) {
      options.warn(`${options.where}.content[${j}]: ${part.type} parts are not supported here by Anthropic and were dropped`);
      return;
    }
    blocks.push(block);
  });
  return blocks;
}

/** null: nothing to send; undefined: not translatable. */
function partBlock(part: ContentPart): AnthropicBlock | null | undefined {
  const raw = part as JsonRecord;
  if (part.type === 'text') {
    const text = asString(raw.text) ?? '';
    if (!text) return null;
    const block: AnthropicBlock = { type: 'text', text };
    // Clients that already speak prompt caching (as OpenRouter accepts it) mark parts with cache_control.
    if (raw.cache_control !== undefined) block.cache_control = raw.cache_control;
    return block;
  }
  if (part.type === 'image_url') {
    const url = asString(asRecord(raw.image_url)?.url);
    if (!url) return undefined;
    const data = parseDataUrl(url);
    if (data) return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
    return { type: 'image', source: { type: 'url', url } };
  }
  if (part.type === 'file') {
    // OpenAI's file part: {file: {file_data: 'data:application/pdf;base64,…', filename}}.
    const data = parseDataUrl(asString(asRecord(raw.file)?.file_data) ?? '');
    if (data?.mediaType === 'application/pdf') {
      return { type: 'document', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
    }
  }
  return undefined;
}

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match?.[1] && match[2] !== undefined ? { mediaType: match[1], data: match[2] } : undefined;
}

function toolInput(args: string, i: number, warn: (message: string) => void): JsonRecord {
  if (!args.trim()) return {};
  const input = asRecord(parseJson(args));
  if (input) return input;
  // Anthropic requires an object; keep what the model said rather than dropping it.
  warn(`messages[${i}]: tool call arguments are not a JSON object; sent as {"arguments": "…"}`);
  return { arguments: args };
}

function toolResult(message: ChatMessage, i: number, warn: (message: string) => void): AnthropicBlock {
  const block: AnthropicBlock = { type: 'tool_result', tool_use_id: message.tool_call_id ?? '' };
  if (!message.tool_call_id) warn(`messages[${i}]: tool message without tool_call_id`);
  if (typeof message.content === 'string') {
    if (message.content) block.content = message.content;
  } else if (message.content) {
    // tool_result content may hold text and image blocks.
    const blocks = contentBlocks(message.content, { where: `messages[${i}]`, warn });
    if (blocks.length > 0) block.content = blocks;
  }
  return block;
}

function trimTrailingWhitespace(message: AnthropicMessage): void {
  const last = message.content.at(-1);
  if (last?.type !== 'text' || typeof last.text !== 'string') return;
  const trimmed = last.text.trimEnd();
  if (trimmed) last.text = trimmed;
  else message.content.pop();
}
