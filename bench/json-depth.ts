/**
 * `npx tsx bench/json-depth.ts`: what the edge's nesting check (src/api/json-shape-limits.ts) costs on a
 * typical ~2 KB chat body, next to the JSON.parse every request already pays; 3 rounds of 200,000 bodies.
 * Also a tree walk of the parsed value, the alternative the text scan was chosen over.
 */
import { checkJsonDepth } from '../src/api/json-shape-limits.js';

const N = 200_000;
const body = JSON.stringify({
  model: 'tandem/auto',
  temperature: 0.3,
  max_tokens: 256,
  metadata: { team: 'search', trace: 'a1b2c3' },
  messages: [
    { role: 'system', content: 'You are a helpful assistant. Answer briefly and cite sources. '.repeat(5) },
    { role: 'user', content: 'Summarise the following text for me, please: '.repeat(12) },
    { role: 'assistant', content: 'Sure. Here is a summary of what you sent: "quoted \\ parts" included. '.repeat(6) },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'And now this part as well, with an image. '.repeat(6) },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
      ],
    },
  ],
});

/** Depth of a parsed value with an explicit stack: the re-walk a tree check would add. */
function treeDepth(root: unknown): number {
  const stack: Array<[unknown, number]> = [[root, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth > max) max = depth;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return max;
}

console.log(`body: ${Buffer.byteLength(body)} bytes`);
const parsed = JSON.parse(body) as unknown;
for (let round = 1; round <= 3; round++) {
  const time = (name: string, run: () => unknown): void => {
    const started = performance.now();
    for (let i = 0; i < N; i++) run();
    console.log(`round ${round}  ${name.padEnd(26)} ${(((performance.now() - started) * 1000) / N).toFixed(2)} µs per body`);
  };
  time('checkJsonDepth (text scan)', () => checkJsonDepth(body, 64));
  time('tree walk of parsed value', () => treeDepth(parsed));
  time('JSON.parse', () => JSON.parse(body));
}
