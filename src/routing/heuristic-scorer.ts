/**
 * A transparent, training-free scorer: how much a prompt looks like it needs a large model.
 * Signals: length, number of questions and steps asked for, code, math, and reasoning cue words.
 * It is a sensible default until a learned scorer (`tandem train-router`) replaces it.
 */
import { lastUserText } from '../spec/chat-request.js';
import type { Scorer } from './scorer.js';

const REASONING =
  /\b(why|explain|prove|derive|analy[sz]e|compare|design|architect|trade-?offs?|step[- ]by[- ]step|reason|evaluate|plan|strategy|optimi[sz]e)\b/gi;
const CODE = /```|\b(function|class|def|return|SELECT|import|const|async|=>)\b|[{};]\s*$/gm;
const MATH = /\d+\s*[-+*/^=]\s*\d+|\b(integral|derivative|equation|probability|theorem|matrix|solve)\b/gi;

export function heuristicScorer(): Scorer {
  return {
    name: 'heuristic',
    score(request) {
      const text = lastUserText(request);
      const length = Math.min(1, Math.log1p(text.length) / Math.log1p(4000));
      const questions = Math.min(1, (text.match(/\?/g)?.length ?? 0) / 4);
      const reasoning = Math.min(1, (text.match(REASONING)?.length ?? 0) / 3);
      const code = Math.min(1, (text.match(CODE)?.length ?? 0) / 4);
      const math = Math.min(1, (text.match(MATH)?.length ?? 0) / 3);
      const turns = Math.min(1, request.messages.length / 20);
      const z = -2.2 + 2.0 * length + 0.6 * questions + 1.6 * reasoning + 1.2 * code + 1.2 * math + 0.5 * turns;
      return 1 / (1 + Math.exp(-z));
    },
  };
}
