/**
 * Features of a model's ANSWER for the cascade verifier: length and shape, a final answer and its form,
 * hedging and self-correction, arithmetic that does not add up, numbers of the question left unused, and
 * token log-probabilities when the provider returns them. Each lands in a fixed slot, scaled to ~[0, 1].
 */
import type { FeatureBuffer } from './feature-hasher.js';

export const RESPONSE_STAT_NAMES = [
  'bias',
  'log_chars',
  'lines',
  'len_lt_100',
  'len_100_300',
  'len_300_600',
  'len_ge_600',
  'final_marker',
  'answer_phrase',
  'no_final_answer',
  'final_is_integer',
  'final_is_negative',
  'final_is_large',
  'final_in_prompt',
  'final_differs_from_last_number',
  'multiple_final_answers',
  'truncated',
  'hedging',
  'self_correction',
  'apology_or_refusal',
  'rounding',
  'equations',
  'equation_errors',
  'equation_error_ratio',
  'prompt_numbers_unused',
  'prompt_numbers_used_ratio',
  'response_numbers',
  'repeated_lines',
  'logprob_mean',
  'logprob_min',
  'logprob_low_share',
  'logprob_missing',
] as const;

export const RESPONSE_STAT_COUNT = RESPONSE_STAT_NAMES.length;

const HEDGING = /\b(however|but|actually|assum\w*|approximately|roughly|probably|might|unclear|not sure|i think|seems)\b/gi;
const SELF_CORRECTION = /\b(wait|mistake|correction|let me re|recalculat\w*|re-?evaluat\w*|i made an error|instead)\b/gi;
const REFUSAL = /\b(sorry|cannot (be )?determine|can't (be )?determine|not enough information|impossible to)\b/i;
const ROUNDING = /\b(round(ed|ing)? (up|down)?|can't have (a )?(half|fraction)|cannot have (a )?(half|fraction)|whole number)\b/i;
const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;
const FINAL_MARKER = /####\s*\$?\s*(-?[\d,]*\.?\d+)/g;
const ANSWER_PHRASE = /(?:the (?:final )?answer is|answer:|=\s*\\boxed\{)\s*\$?\s*(-?[\d,]*\.?\d+)/i;
// GSM8K-style calculator annotations <<a*b=c>> and plain "a op b = c" steps.
const CALC = /<<([^=<>]+)=([^<>]+)>>/g;
const PLAIN_EQUATION = /(-?\d[\d,]*(?:\.\d+)?)\s*([+\-*/x×÷])\s*(-?\d[\d,]*(?:\.\d+)?)\s*=\s*\$?(-?\d[\d,]*(?:\.\d+)?)/g;

function toNumber(text: string): number {
  return Number(text.replace(/[,$\s]/g, ''));
}

/** Evaluates + - * / and parentheses over numbers; undefined for anything else. */
export function evaluateArithmetic(expression: string): number | undefined {
  const src = expression
    .replace(/[,$\s]/g, '')
    .replace(/[x×]/g, '*')
    .replace(/÷/g, '/');
  if (!/^[\d+\-*/().%]+$/.test(src)) return undefined;
  let pos = 0;
  const peek = (): string => src[pos] ?? '';
  const parseExpr = (): number => {
    let v = parseTerm();
    while (peek() === '+' || peek() === '-') v = src[pos++] === '+' ? v + parseTerm() : v - parseTerm();
    return v;
  };
  const parseTerm = (): number => {
    let v = parseFactor();
    while (peek() === '*' || peek() === '/') v = src[pos++] === '*' ? v * parseFactor() : v / parseFactor();
    return v;
  };
  const parseFactor = (): number => {
    if (peek() === '-') {
      pos++;
      return -parseFactor();
    }
    if (peek() === '(') {
      pos++;
      const v = parseExpr();
      if (peek() !== ')') throw new Error('unbalanced');
      pos++;
      return v;
    }
    const m = /^\d*\.?\d+/.exec(src.slice(pos));
    if (!m) throw new Error('number expected');
    pos += m[0].length;
    let v = Number(m[0]);
    if (peek() === '%') {
      pos++;
      v /= 100;
    }
    return v;
  };
  try {
    const v = parseExpr();
    return pos === src.length && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 0.011;
}

function countMatches(text: string, re: RegExp): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

const squash = (x: number, scale: number): number => Math.log1p(Math.max(0, x)) / Math.log1p(scale);

export interface ResponseInput {
  prompt: string;
  answer: string;
  /** Per-token log-probabilities of the answer, when the provider returned them. */
  logprobs?: readonly number[];
}

/** Appends the answer's statistics at slots offset..offset+RESPONSE_STAT_COUNT-1. */
export function responseStatistics(input: ResponseInput, out: FeatureBuffer, offset = 0, weight = 1): void {
  const answer = input.answer;
  const v = new Float64Array(RESPONSE_STAT_COUNT);
  const chars = answer.trim().length;
  const lines = answer.split('\n').filter((l) => l.trim() !== '');
  v[0] = 1;
  v[1] = squash(chars, 3000);
  v[2] = squash(lines.length, 40);
  v[3] = chars < 100 ? 1 : 0;
  v[4] = chars >= 100 && chars < 300 ? 1 : 0;
  v[5] = chars >= 300 && chars < 600 ? 1 : 0;
  v[6] = chars >= 600 ? 1 : 0;

  const finals: number[] = [];
  FINAL_MARKER.lastIndex = 0;
  for (let m = FINAL_MARKER.exec(answer); m !== null; m = FINAL_MARKER.exec(answer)) finals.push(toNumber(m[1] ?? ''));
  const phrase = ANSWER_PHRASE.exec(answer);
  const numbers = (answer.match(NUMBER) ?? []).map(toNumber).filter(Number.isFinite);
  const lastNumber = numbers[numbers.length - 1];
  const final = finals[finals.length - 1] ?? (phrase ? toNumber(phrase[1] ?? '') : undefined);
  v[7] = finals.length > 0 ? 1 : 0;
  v[8] = phrase ? 1 : 0;
  v[9] = final === undefined ? 1 : 0;
  if (final !== undefined && Number.isFinite(final)) {
    v[10] = Number.isInteger(final) ? 1 : 0;
    v[11] = final < 0 ? 1 : 0;
    v[12] = Math.abs(final) >= 10_000 ? 1 : 0;
    const promptNumbers = (input.prompt.match(NUMBER) ?? []).map(toNumber);
    v[13] = promptNumbers.some((p) => close(p, final)) ? 1 : 0;
    // The final answer should be the result of the last computation, not some other number.
    const computed = numbers.filter((x) => !close(x, final));
    v[14] = lastNumber !== undefined && !close(lastNumber, final) && computed.length > 0 ? 1 : 0;
    v[15] = new Set(finals.map((f) => f.toFixed(4))).size > 1 ? 1 : 0;
  }
  const lastLine = lines[lines.length - 1] ?? '';
  v[16] = final === undefined && !/[.!?)\]$%]\s*$/.test(lastLine) ? 1 : 0;
  v[17] = squash(countMatches(answer, HEDGING), 6);
  v[18] = squash(countMatches(answer, SELF_CORRECTION), 4);
  v[19] = REFUSAL.test(answer) ? 1 : 0;
  v[20] = ROUNDING.test(answer) ? 1 : 0;

  let equations = 0;
  let errors = 0;
  CALC.lastIndex = 0;
  for (let m = CALC.exec(answer); m !== null; m = CALC.exec(answer)) {
    const lhs = evaluateArithmetic(m[1] ?? '');
    const rhs = evaluateArithmetic(m[2] ?? '');
    if (lhs === undefined || rhs === undefined) continue;
    equations++;
    if (!close(lhs, rhs)) errors++;
  }
  PLAIN_EQUATION.lastIndex = 0;
  for (let m = PLAIN_EQUATION.exec(answer); m !== null; m = PLAIN_EQUATION.exec(answer)) {
    const lhs = evaluateArithmetic(`${m[1]}${m[2]}${m[3]}`);
    const rhs = toNumber(m[4] ?? '');
    if (lhs === undefined || !Number.isFinite(rhs)) continue;
    equations++;
    if (!close(lhs, rhs)) errors++;
  }
  v[21] = squash(equations, 12);
  v[22] = Math.min(1, errors / 2);
  v[23] = equations ? errors / equations : 0;

  const promptNumbers = [...new Set((input.prompt.match(NUMBER) ?? []).map(toNumber).filter(Number.isFinite))];
  if (promptNumbers.length > 0) {
    const used = promptNumbers.filter((p) => numbers.some((x) => close(x, p))).length;
    v[24] = squash(promptNumbers.length - used, 5);
    v[25] = used / promptNumbers.length;
  }
  v[26] = squash(numbers.length, 40);
  v[27] = lines.length - new Set(lines.map((l) => l.trim())).size > 0 ? 1 : 0;

  const lp = input.logprobs;
  if (lp && lp.length > 0) {
    let sum = 0;
    let min = 0;
    let low = 0;
    for (const x of lp) {
      sum += x;
      if (x < min) min = x;
      if (x < -1) low++;
    }
    v[28] = Math.max(-1, sum / lp.length / 2);
    v[29] = Math.max(-1, min / 10);
    v[30] = low / lp.length;
  } else {
    v[31] = 1;
  }
  for (let i = 0; i < RESPONSE_STAT_COUNT; i++) {
    const x = v[i] as number;
    if (x !== 0) out.push(offset + i, x * weight);
  }
}
