/**
 * Estimated prompt tokens plus the requested output must fit the model's context window, with a margin
 * for tokenizer differences. The fast character estimate decides clear cases; only a request near a
 * model's limit pays for a real tokenizer count.
 */
import { countPromptTokens } from '../accounting/estimate-tokens.js';
import type { ChatRequest } from '../spec/chat-request.js';
import { requestedOutputTokens, type Policy } from './policy.js';

export function contextFitPolicy(options: { safetyMargin: number }): Policy {
  const exact = new WeakMap<ChatRequest, number>();
  return {
    name: 'context-fit',
    evaluate(request, model, ctx) {
      const output = requestedOutputTokens(request, model);
      const room = Math.floor(model.contextWindow * (1 - options.safetyMargin));
      let prompt = ctx.promptTokens;
      if (prompt + output > room) {
        let counted = exact.get(request);
        if (counted === undefined) {
          counted = countPromptTokens(request);
          exact.set(request, counted);
        }
        prompt = counted;
      }
      const needed = prompt + output;
      if (needed <= room) return { allowed: true, reason: `fits: ~${needed} of ${model.contextWindow} tokens` };
      return { allowed: false, reason: `too long: ~${prompt} prompt + ${output} output tokens > ${room} usable of ${model.contextWindow}` };
    },
  };
}
