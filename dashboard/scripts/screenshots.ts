/**
 * Regenerates the dashboard screenshots in docs/images/: real traffic through a real gateway (fake
 * upstreams stand in for the providers: a flaky fast local model, a slower cloud model) for about two
 * minutes, then chromium captures the page. Run: `npx tsx dashboard/scripts/screenshots.ts`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { startFakeUpstream } from '../../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig } from '../../test/helpers/gateway-harness.js';
import { echoResponder } from '../../test/helpers/openai-upstream.js';
import { DASHBOARD_DIR } from './source-hash.js';

const OUT = join(DASHBOARD_DIR, '..', 'docs', 'images');
const ADMIN_KEY = 'screenshot-admin-key-0001';
const SECONDS = Number(process.env.SCREENSHOT_SECONDS ?? 120);

// A seeded generator, so a rerun sends the same mix.
let seed = 42;
const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

const echo = echoResponder();
const local = await startFakeUpstream({
  '/v1/chat/completions': (request) =>
    random() < 0.12 ? { status: 503, body: { error: { message: 'overloaded' } } } : { ...echo(request), delayMs: 30 + random() * 150 },
});
const cloud = await startFakeUpstream({ '/v1/chat/completions': (request) => ({ ...echo(request), delayMs: 250 + random() * 700 }) });
const config = twoModelConfig(cloud.url, local.url, { server: { api_keys: ['client-key-1'], admin_key: ADMIN_KEY } });
config.routes = {
  ...config.routes,
  'tandem/support': {
    models: ['small', 'large'],
    policies: [{ type: 'privacy', mode: 'pseudonymise' }, { type: 'context-fit' }, { type: 'capability' }],
    router: { type: 'scored', small: 'small', large: 'large', threshold: 0.3 },
    retry: { max_attempts: 2, initial_backoff_ms: 5, max_backoff_ms: 50 },
  },
};
const h = await startGateway(config, { apiKey: 'client-key-1' });

const prompts = [
  'hi, what can you do?',
  'Translate "good morning" to French.',
  'Summarise this in one line: the meeting moved to Thursday.',
  'Prove that there are infinitely many primes, then derive the density of primes up to n and explain each step of the argument carefully.',
  'Write a detailed migration plan for moving a 40-service monolith to Kubernetes, with risks, rollback steps and a timeline.',
  'My email is jane.doe@example.com and my phone is +1 415 555 0100, please update my account.',
  'Customer John Smith (card 4111 1111 1111 1111) wants a refund.',
];
const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

const started = Date.now();
let sent = 0;
while (Date.now() - started < SECONDS * 1000) {
  const burst = 1 + Math.floor(random() * 3);
  await Promise.all(
    Array.from({ length: burst }, async () => {
      const prompt = prompts[Math.floor(random() * prompts.length)] ?? 'hi';
      const route = random() < 0.3 ? 'tandem/support' : 'tandem/auto';
      const withTools = random() < 0.15;
      await h.client.chat.completions
        .create({ model: route, messages: [{ role: 'user', content: prompt }], ...(withTools ? { tools } : {}), stream: random() < 0.4 })
        .then(async (r) => {
          if (Symbol.asyncIterator in r) for await (const _ of r);
        })
        .catch(() => undefined);
      sent++;
    }),
  );
  await sleep(400 + random() * 900);
}
console.log(`sent ${sent} requests`);

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  for (const theme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: theme });
    await context.addInitScript(`sessionStorage.setItem('tandem.adminKey', ${JSON.stringify(ADMIN_KEY)})`);
    const page = await context.newPage();
    await page.goto(`${h.url}/dashboard?range=5m`);
    await page.locator('[data-testid="requests-table"]').waitFor();
    await page.screenshot({ path: join(OUT, `dashboard-${theme}.png`), fullPage: true });
    if (theme === 'light') {
      await page.locator('[data-testid="requests-table"] tbody tr[data-locality="cloud"]').first().click();
      await page.locator('[data-testid="request-detail"] .drawer-body').waitFor();
      await page.screenshot({ path: join(OUT, 'dashboard-request-detail.png') });
    }
    await context.close();
  }
} finally {
  await browser.close();
  await h.close();
  await local.close();
  await cloud.close();
}
console.log(`screenshots in ${OUT}`);
