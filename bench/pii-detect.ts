/**
 * Latency of detectPii on typical 2 KB prompts, one core: `npx tsx bench/pii-detect.ts`.
 * Prints the median and p99 microseconds per prompt over several prompt shapes (prose with a few findings,
 * code with a key, a support ticket dense with PII, generated sentences with a structured value each in seven
 * languages, prose with none), the cue guard's time on each, then what the gateway pays per request
 * on a `pseudonymise` route (detection plus the placeholder copy) against a baseline measured in the same
 * run: JSON.parse of the same request body, which every request pays anyway.
 */
import { performance } from 'node:perf_hooks';
import { assessPrivacy } from '../src/privacy/assess-privacy.js';
import { detectPii } from '../src/privacy/detect-pii.js';
import type { ChatRequest } from '../src/spec/chat-request.js';
import { cueGuard } from '../src/privacy/cue-guard.js';
import { plantedValues } from '../test/pii/planted-values.js';

const PROSE =
  'Could you help me rewrite the following paragraph so that it reads more naturally? The quarterly report shows that revenue grew by 12 percent, ' +
  'mainly because of the new subscription tier launched in March. Customer churn stayed flat at 3.1 percent, and the support backlog shrank after ' +
  'we hired two more agents. Next quarter we plan to expand into two new regions and revisit the pricing of the enterprise plan. ';
const TICKET =
  'Hello, my name is Maria Gonzalez and I was born on 12/03/1984. Please update my address to 221 Baker Street, Apt. 4, London NW1 6XE. ' +
  'You can reach me on +44 20 7946 0958 or maria.gonzalez@example.com. My card 4111 1111 1111 1111 was charged twice; refund it to ' +
  'IBAN GB82 WEST 1234 5698 7654 32 instead. My SSN is 123-45-6789 and the login came from 192.168.10.24. Thanks, Maria. ';
const CODE =
  'Why does this fail?\n```ts\nconst client = new OpenAI({ apiKey: "sk-proj-abcdEFGH1234ijklMNOP5678qrstUVWX" });\n' +
  'const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: prompt }] });\n' +
  'console.log(res.choices[0].message.content);\n```\nIt throws 401 even though the key works with curl. The server at 10.0.0.12 logs nothing. ';
const CLEAN =
  'Summarise the main arguments for and against remote work in three bullet points, then suggest a compromise policy for a team of twelve ' +
  'engineers spread over two time zones. Keep it under two hundred words and avoid jargon. Mention the effect on onboarding and mentoring. ';

function toSize(seed: string, size = 2048): string {
  let text = '';
  while (text.length < size) text += seed;
  return text.slice(0, size);
}

// Dense: 2 KB of generated sentences, each with a structured value, in seven languages (test/pii/planted-values.ts).
const PLANTED = plantedValues({ seed: 1, count: 200 })
  .map((v) => v.sentence)
  .join('\n');

const prompts = {
  prose: toSize(PROSE + TICKET.slice(0, 200)),
  ticket: toSize(TICKET + PROSE),
  code: toSize(CODE + PROSE),
  planted: toSize(PLANTED),
  clean: toSize(CLEAN),
};

for (let i = 0; i < 300; i++) for (const p of Object.values(prompts)) detectPii(p);

const all: number[] = [];
console.log('| prompt (2 KB) | findings | median µs | p99 µs |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, prompt] of Object.entries(prompts)) {
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    detectPii(prompt);
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  all.push(...times);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const p99 = times[Math.floor(times.length * 0.99)] ?? 0;
  console.log(`| ${name} | ${detectPii(prompt).length} | ${median.toFixed(0)} | ${p99.toFixed(0)} |`);
}
all.sort((a, b) => a - b);
console.log(`\nmedian over all prompts: ${(all[Math.floor(all.length / 2)] ?? 0).toFixed(0)} µs per 2 KB prompt`);

// The cue guard runs on local-only routes when nothing was found (in the gateway: only on the clean prompts).
console.log('\n| cue guard (2 KB) | median µs |');
console.log('| --- | ---: |');
for (const [name, prompt] of Object.entries(prompts)) {
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    cueGuard(prompt);
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  console.log(`| ${name} | ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(1)} |`);
}

function medianMicros(run: () => void, runs = 2000): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

const request: ChatRequest = { model: 'r', messages: [{ role: 'user', content: prompts.ticket }], stream: false, includeUsage: false, params: {}, extra: {} };
const body = JSON.stringify({ model: 'r', messages: request.messages });
const baseline = medianMicros(() => JSON.parse(body));
const assess = medianMicros(() => assessPrivacy({ request, settings: { mode: 'pseudonymise', threshold: 0.5 }, markedBecause: null }));
console.log('\n| per request (2 KB ticket) | median µs | × JSON.parse |');
console.log('| --- | ---: | ---: |');
console.log(`| JSON.parse of the body (baseline) | ${baseline.toFixed(1)} | 1.0 |`);
console.log(`| assessPrivacy, pseudonymise mode | ${assess.toFixed(0)} | ${(assess / baseline).toFixed(0)} |`);
