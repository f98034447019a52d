/**
 * Token estimates for routing decisions and for usage the upstream did not report.
 *
 * Routing only needs an estimate that is cheap and errs high, so it uses characters (≈4 per token for
 * English, 3 to err high) and pays for a real tokenizer only near a limit. Billing of unreported usage
 * uses gpt-tokenizer (the OpenAI family's BPE), marked `estimated`.
 */
import { createRequire } from 'node:module';
import type { ChatRequest } from '../spec/chat-request.js';

/** Overhead OpenAI documents per message (role and separators), and per reply priming. */
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING_TOKENS = 3;
/** What one image part costs at OpenAI's low detail; a floor for estimates. */
const TOKENS_PER_IMAGE = 85;

/** Characters of text in the request that reach the model: message text, tool arguments, tool schemas. */
export function requestCharacters(request: Pick<ChatRequest, 'messages' | 'params'>): { chars: number; images: number } {
  let chars = 0;
  let images = 0;
  for (const message of request.messages) {
    const { content } = message;
    if (typeof content === 'string') chars += content.length;
    else if (content) {
      for (const part of content) {
        if (part.type === 'text' && typeof part.text === 'string') chars += part.text.length;
        else if (part.type === 'image_url') images++;
      }
    }
    if (message.tool_calls) {
      for (const call of message.tool_calls) chars += call.function.name.length + call.function.arguments.length;
    }
  }
  if (request.params.tools) chars += JSON.stringify(request.params.tools).length;
  return { chars, images };
}

/** A fast upper-leaning estimate of prompt tokens (3 characters per token). */
export function quickPromptTokens(request: Pick<ChatRequest, 'messages' | 'params'>): number {
  const { chars, images } = requestCharacters(request);
  return Math.ceil(chars / 3) + images * TOKENS_PER_IMAGE + request.messages.length * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS;
}

/** Prompt tokens counted with gpt-tokenizer, in OpenAI's chat accounting. */
export function countPromptTokens(request: Pick<ChatRequest, 'messages' | 'params'>): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    const { content } = message;
    if (typeof content === 'string') tokens += countTextTokens(content);
    else if (content) {
      for (const part of content) {
        if (part.type === 'text' && typeof part.text === 'string') tokens += countTextTokens(part.text);
        else if (part.type === 'image_url') tokens += TOKENS_PER_IMAGE;
      }
    }
    for (const call of message.tool_calls ?? []) {
      tokens += countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
    }
  }
  if (request.params.tools) tokens += countTextTokens(JSON.stringify(request.params.tools));
  return tokens;
}

export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : tokenizer().encode(text).length;
}

type GptTokenizer = typeof import('gpt-tokenizer');
let loaded: GptTokenizer | undefined;

/**
 * gpt-tokenizer builds its 200k-entry vocabulary when imported: ~70 MB of RSS and ~100 ms. Most requests
 * never need it (upstreams report usage; routing uses the character estimate), so it is loaded on first
 * use, synchronously through its CommonJS build, to keep this module's API synchronous.
 */
function tokenizer(): GptTokenizer {
  loaded ??= createRequire(import.meta.url)('gpt-tokenizer') as GptTokenizer;
  return loaded;
}
