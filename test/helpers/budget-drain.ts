/**
 * Drives one budget to exhaustion with many concurrent clients against a fake upstream that behaves or
 * misbehaves, and reports what was spent: test/budget-overspend.test.ts asserts the bound docs/security.md
 * states, bench/budget-overspend.ts prints the figures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { quickPromptTokens } from '../../src/accounting/estimate-tokens.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../../src/providers/testing/fake-upstream.js';
import { startGateway } from './gateway-harness.js';

export const PRICE = { input: 2.5, output: 10 };
/** The model's default_max_output_tokens: what Tandem reserves, and now sends, when a client sets none. */
export const DEFAULT_MAX = 100;
/** What a runaway upstream produces (or claims to have produced). */
export const RUNAWAY_TOKENS = 1_000;
export const WORKERS = 24;
export const MESSAGES = [{ role: 'user' as const, content: 'Write a long story about a lighthouse keeper.' }];
const PROMPT_TOKENS = quickPromptTokens({ messages: MESSAGES, params: {} });
/** The reservation of one request without max_tokens: its prompt plus DEFAULT_MAX output tokens. */
export const RESERVED = (PROMPT_TOKENS * PRICE.input + DEFAULT_MAX * PRICE.output) / 1e6;
export const BUDGET = RESERVED * 20;

export type Behaviour = 'honours max_tokens' | 'ignores max_tokens' | 'over-reports usage';

interface CountingUpstream {
  fake: FakeUpstream;
  /** The most requests it was answering at once. */
  maxInFlight(): number;
}

/** An OpenAI-compatible upstream, 60 ms per answer, reporting `prompt_tokens` no higher than Tandem's estimate. */
async function upstream(behaviour: Behaviour): Promise<CountingUpstream> {
  let inFlight = 0;
  let maxInFlight = 0;
  const fake = await startFakeUpstream({
    '/v1/chat/completions': async (request: RecordedRequest) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(60);
      inFlight--;
      const body = request.json as { max_tokens?: number };
      const limit = body.max_tokens ?? Number.POSITIVE_INFINITY;
      const produced = behaviour === 'honours max_tokens' ? Math.min(limit, RUNAWAY_TOKENS) : behaviour === 'ignores max_tokens' ? RUNAWAY_TOKENS : 10;
      const reported = behaviour === 'over-reports usage' ? RUNAWAY_TOKENS : produced;
      return {
        body: {
          id: 'chatcmpl-up',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o',
          choices: [{ index: 0, message: { role: 'assistant', content: 'word '.repeat(produced).trim() }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: reported, total_tokens: PROMPT_TOKENS + reported },
        },
      };
    },
  });
  return { fake, maxInFlight: () => maxInFlight };
}

export interface Run {
  spent: number;
  /** The largest amount one answered request cost above its reservation. */
  maxExcess: number;
  answered: number;
  /** retry-after (s) of the 429s that were only about requests in flight. */
  inFlightRetryAfter: number[];
  maxTokensSent: Array<number | undefined>;
  maxInFlight: number;
}

/**
 * WORKERS clients send requests without max_tokens until the budget refuses them for the day; a 429 that
 * is only about requests in flight (the concurrency cap, or reservations) is retried at once, so the
 * gateway is kept at its cap the whole time.
 */
export async function drainBudget(behaviour: Behaviour, concurrentRequests: number): Promise<Run> {
  const counting = await upstream(behaviour);
  const up = counting.fake;
  const h = await startGateway({
    models: {
      large: {
        provider: 'openai-compatible',
        base_url: `${up.url}/v1`,
        model: 'gpt-4o',
        locality: 'cloud',
        default_max_output_tokens: DEFAULT_MAX,
        pricing: { input_per_1m: PRICE.input, output_per_1m: PRICE.output },
        timeout_ms: 5_000,
      },
    },
    limits: { per_key: { spend_per_day: BUDGET, concurrent_requests: concurrentRequests } },
  });
  const inFlightRetryAfter: number[] = [];
  try {
    const worker = async (): Promise<void> => {
      for (let i = 0; i < 500; i++) {
        try {
          await h.client.chat.completions.create({ model: 'large', messages: MESSAGES });
        } catch (error) {
          if (!(error instanceof OpenAI.RateLimitError)) throw error;
          if (!/in flight/.test(error.message)) return; // the day's budget is spent
          inFlightRetryAfter.push(Number(error.headers?.get('retry-after')));
          await sleep(5);
        }
      }
      throw new Error('the budget never ran out');
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const rows = (await h.gateway.store.requestLog.recent({ limit: 10_000 })).filter((r) => r.status === 200);
    return {
      spent: rows.reduce((sum, r) => sum + r.cost, 0),
      maxExcess: Math.max(0, ...rows.map((r) => r.cost - RESERVED)),
      answered: rows.length,
      inFlightRetryAfter,
      maxTokensSent: up.requests.map((r) => (r.json as { max_tokens?: number }).max_tokens),
      maxInFlight: counting.maxInFlight(),
    };
  } finally {
    await h.close();
    await up.close();
  }
}
