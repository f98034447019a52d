/** Generated labelled examples for the distillation tests: a few intents, each from its own phrases and words. */
import { seededRandom } from '../testing/seeded-random.js';
import type { TrainingExample } from './train-student.js';

const INTENTS: Record<string, { openers: string[]; topics: string[] }> = {
  card_arrival: {
    openers: ['where is my', 'still waiting for my', 'when will i get my', 'has my new'],
    topics: ['card', 'debit card', 'new card', 'replacement card'],
  },
  exchange_rate: {
    openers: ['what exchange rate for', 'how much is the rate to', 'which rate applies to', 'conversion rate for'],
    topics: ['euros', 'dollars', 'pounds', 'yen'],
  },
  top_up_failed: {
    openers: ['my top up failed with', 'could not top up using', 'top-up declined on', 'why did my top up fail on'],
    topics: ['apple pay', 'bank transfer', 'my card', 'google pay'],
  },
  lost_card: {
    openers: ['i lost my', 'someone stole my', 'cannot find my', 'please block my'],
    topics: ['card', 'wallet with the card', 'visa card', 'mastercard'],
  },
};

const FILLERS = ['please', 'today', 'thanks', 'asap', 'again', 'now', 'urgently', ''];

export const TEST_LABELS = Object.keys(INTENTS);

export function generatedExamples(count: number, seed = 1): TrainingExample[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out: TrainingExample[] = [];
  for (let i = 0; i < count; i++) {
    const label = TEST_LABELS[i % TEST_LABELS.length] as string;
    const intent = INTENTS[label] as { openers: string[]; topics: string[] };
    out.push({ input: `${pick(intent.openers)} ${pick(intent.topics)} ${pick(FILLERS)} ${pick(FILLERS)} #${i}`.replace(/\s+/g, ' ').trim(), label });
  }
  return out;
}

/** The cloud teacher of the distillation tests' gateways: a fake upstream at `url` answering as gpt-4o would. */
export function fakeTeacherModel(url: string) {
  return {
    provider: 'openai-compatible',
    base_url: `${url}/v1`,
    model: 'gpt-4o',
    api_key: 'sk-test',
    locality: 'cloud',
    pricing: { input_per_1m: 2.5, output_per_1m: 10 },
    capabilities: { json: true },
    timeout_ms: 5_000,
  } as const;
}
