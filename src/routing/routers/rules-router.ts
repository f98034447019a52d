/** First matching rule wins: conditions on metadata, message count, prompt tokens and the last user message. */
import type { RuleCondition } from '../../config/schema.js';
import { lastUserText, type ChatRequest } from '../../spec/chat-request.js';
import { quickPromptTokens } from '../../accounting/estimate-tokens.js';
import type { Router } from '../router.js';

interface CompiledRule {
  when: RuleCondition;
  pattern: RegExp | undefined;
  model: string;
}

export function rulesRouter(options: { rules: Array<{ when: RuleCondition; model: string }>; default: string }): Router {
  const rules: CompiledRule[] = options.rules.map((rule) => ({
    when: rule.when,
    model: rule.model,
    pattern: rule.when.last_user_matches === undefined ? undefined : new RegExp(rule.when.last_user_matches, rule.when.ignore_case ? 'i' : ''),
  }));
  return {
    type: 'rules',
    decide(request) {
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i] as CompiledRule;
        if (matches(rule, request)) {
          return { model: rule.model, reason: `rule ${i + 1} (${describe(rule.when)}) -> ${rule.model}`, score: null, threshold: null };
        }
      }
      return { model: options.default, reason: `no rule matched -> ${options.default}`, score: null, threshold: null };
    },
  };
}

function matches(rule: CompiledRule, request: ChatRequest): boolean {
  const { when } = rule;
  if (when.metadata) {
    const metadata = request.params.metadata ?? {};
    for (const [key, value] of Object.entries(when.metadata)) if (metadata[key] !== value) return false;
  }
  const count = request.messages.length;
  if (when.min_messages !== undefined && count < when.min_messages) return false;
  if (when.max_messages !== undefined && count > when.max_messages) return false;
  if (when.min_tokens !== undefined || when.max_tokens !== undefined) {
    const tokens = quickPromptTokens(request);
    if (when.min_tokens !== undefined && tokens < when.min_tokens) return false;
    if (when.max_tokens !== undefined && tokens > when.max_tokens) return false;
  }
  if (rule.pattern && !rule.pattern.test(lastUserText(request))) return false;
  return true;
}

function describe(when: RuleCondition): string {
  const parts: string[] = [];
  if (when.metadata) parts.push(`metadata ${Object.keys(when.metadata).join(',')}`);
  if (when.min_messages !== undefined || when.max_messages !== undefined) parts.push('messages');
  if (when.min_tokens !== undefined || when.max_tokens !== undefined) parts.push('tokens');
  if (when.last_user_matches !== undefined) parts.push('regex');
  return parts.join(' + ') || 'always';
}
