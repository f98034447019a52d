/**
 * Turns chat messages into the exact tokens the embedded model evaluates.
 *
 * - A GGUF with `tokenizer.chat_template` is formatted by node-llama-cpp's `resolveChatWrapper(model)`, which
 *   renders that template (or a built-in wrapper it recognises as equivalent) and says which tokens or texts
 *   end the assistant's turn. https://node-llama-cpp.withcat.ai/guide/chat-wrapper
 * - A GGUF without one (a base model such as stories260K) is a text-completion model, so the fallback prompt
 *   is plain text: BOS when the model asks for it, then each message's text in order, separated by a blank
 *   line, with no role markers; the model continues the last message.
 */
import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from 'node-llama-cpp';
import { messageText, type ChatMessage } from '../../spec/chat-request.js';
import type { NodeLlamaCpp } from './embedded-runtime.js';

export interface EmbeddedPrompt {
  tokens: Token[];
  /** Tokens that end the turn besides the model's EOG tokens (e.g. a template's end-of-turn token). */
  stopTokens: Set<Token>;
  /** Texts that end the turn (from the chat wrapper); matched like request stop sequences. */
  stopTexts: string[];
}

export const FALLBACK_MESSAGE_SEPARATOR = '\n\n';

export interface PromptFormatter {
  /** True when the model's own chat template is used. */
  readonly usesChatTemplate: boolean;
  format(messages: readonly ChatMessage[], warn: (message: string) => void): EmbeddedPrompt;
}

export function createPromptFormatter(lib: NodeLlamaCpp, model: LlamaModel): PromptFormatter {
  const template = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof template === 'string' && template.trim() !== '') {
    const wrapper = lib.resolveChatWrapper(model);
    return {
      usesChatTemplate: true,
      format: (messages, warn) => formatWithChatWrapper({ model, wrapper, messages, warn }),
    };
  }
  return { usesChatTemplate: false, format: (messages, warn) => formatPlain(model, messages, warn) };
}

function formatPlain(model: LlamaModel, messages: readonly ChatMessage[], warn: (message: string) => void): EmbeddedPrompt {
  warnAboutDroppedParts(messages, warn);
  const text = messages
    .map(messageText)
    .filter((t) => t !== '')
    .join(FALLBACK_MESSAGE_SEPARATOR);
  const bos = model.tokens.bos;
  const tokens = [...(bos !== null && model.tokens.shouldPrependBosToken ? [bos] : []), ...model.tokenize(text)];
  return { tokens, stopTokens: new Set(), stopTexts: [] };
}

function formatWithChatWrapper(options: {
  model: LlamaModel;
  wrapper: ChatWrapper;
  messages: readonly ChatMessage[];
  warn: (message: string) => void;
}): EmbeddedPrompt {
  const { model, wrapper, messages, warn } = options;
  warnAboutDroppedParts(messages, warn);
  const history: ChatHistoryItem[] = [];
  let toolMessages = false;
  for (const message of messages) {
    const text = messageText(message);
    switch (message.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text });
        break;
      case 'user':
        history.push({ type: 'user', text });
        break;
      case 'assistant':
        history.push({ type: 'model', response: text === '' ? [] : [text] });
        break;
      case 'tool':
        toolMessages = true;
        history.push({ type: 'user', text });
        break;
    }
  }
  if (toolMessages) warn('embedded models do not support tool calls; tool messages were sent as user messages');
  // An open model turn for the answer; a trailing assistant message is continued instead (prefill).
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });

  const state = wrapper.generateContextState({ chatHistory: history });
  const stopTokens = new Set<Token>();
  const stopTexts: string[] = [];
  for (const trigger of state.stopGenerationTriggers) {
    if (trigger.values.every((value) => typeof value === 'string')) {
      stopTexts.push(trigger.values.join(''));
      continue;
    }
    const tokens = trigger.tokenize(model.tokenizer);
    if (tokens.length === 1) stopTokens.add(tokens[0] as Token);
  }
  return { tokens: state.contextText.tokenize(model.tokenizer), stopTokens, stopTexts };
}

function warnAboutDroppedParts(messages: readonly ChatMessage[], warn: (message: string) => void): void {
  const dropped = new Set<string>();
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) if (part.type !== 'text') dropped.add(part.type);
  }
  if (dropped.size > 0) warn(`embedded models read text only; dropped content parts: ${[...dropped].join(', ')}`);
}
