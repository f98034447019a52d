/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): traffic sent through the
 * gateway with the official openai client shows up in the charts and the table, a row opens the route
 * explanation, updates arrive without a reload, and dark mode switches. Screenshots go to test-output/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(import.meta.dirname, '..', 'test-output');
const ADMIN_KEY = 'admin-key-for-the-browser-test';
const skip = existsSync(CHROMIUM) ? false : `chromium is not installed at ${CHROMIUM} (.ci/run installs it: apt-get install -y chromium)`;
const TOOLS = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

describe('dashboard in chromium', { skip }, () => {
  let cloud: FakeUpstream;
  let local: FakeUpstream;
  let h: Harness;
  let browser: Browser;
  let page: Page;
  /** x-tandem-model of every request sent, as the gateway reported it. */
  const sent: Array<{ id: string; model: string }> = [];

  async function send(kind: 'plain' | 'tools'): Promise<void> {
    const { response } = await h.client.chat.completions
      .create({ model: 'tandem/auto', messages: [{ role: 'user', content: kind === 'plain' ? 'hi there' : 'look this up' }], ...(kind === 'tools' ? { tools: TOOLS } : {}) })
      .withResponse();
    sent.push({ id: response.headers.get('x-tandem-request-id') ?? '', model: response.headers.get('x-tandem-model') ?? '' });
  }
  const countOf = (model: string): number => sent.filter((s) => s.model === model).length;

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    cloud = await startEchoUpstream();
    local = await startEchoUpstream();
    h = await startGateway(twoModelConfig(cloud.url, local.url, { server: { api_keys: ['client-key-1'], admin_key: ADMIN_KEY } }), { apiKey: 'client-key-1' });
    for (const kind of ['plain', 'tools', 'plain', 'plain', 'tools'] as const) await send(kind);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await cloud?.close();
    await local?.close();
  });

  test('asks for the admin key, then shows the traffic in the charts and the table', async () => {
    // Sanity: the scenario sends traffic both ways, or the assertions below prove little.
    assert.ok(countOf('small') > 0 && countOf('large') > 0, `traffic went both ways: ${JSON.stringify(sent)}`);

    // A short poll interval keeps the live-update test quick; the default is 5 s.
    await page.goto(`${h.url}/dashboard?poll=1000`);
    await page.getByTestId('key-prompt').waitFor();
    await page.getByTestId('key-input').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Open dashboard' }).click();
    await page.locator(`[data-testid="chart-models"][data-total="${sent.length}"]`).waitFor();

    const barSums = (chart: string): Promise<Record<string, number>> =>
      page.locator(`[data-testid="${chart}"] rect[data-series]`).evaluateAll((rects) => {
        const sums: Record<string, number> = {};
        for (const r of rects) {
          const key = r.getAttribute('data-series') ?? '';
          sums[key] = (sums[key] ?? 0) + Number(r.getAttribute('data-value'));
        }
        return sums;
      });
    assert.deepEqual(await barSums('chart-models'), { small: countOf('small'), large: countOf('large') });
    // twoModelConfig: small is local, large is cloud.
    assert.deepEqual(await barSums('chart-locality'), { local: countOf('small'), cloud: countOf('large') });
    assert.equal(await page.getByTestId('kpi-requests').locator('.kpi-value').textContent(), String(sent.length));

    const rows = page.locator('[data-testid="requests-table"] tbody tr');
    assert.equal(await rows.count(), sent.length);
    assert.deepEqual(
      (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).sort(),
      sent.map((s) => s.id).sort(),
    );
    for (const model of ['small', 'large']) {
      assert.equal(await page.locator(`[data-testid="latency-table"] tr[data-model="${model}"]`).getAttribute('data-requests'), String(countOf(model)));
    }
    await page.screenshot({ path: join(OUTPUT, 'dashboard-light.png'), fullPage: true });
  });

  test('a row opens its route explanation: candidates, policy verdicts, score, threshold', async () => {
    const target = sent.find((s) => s.model === 'large');
    assert.ok(target);
    const record = await h.gateway.store.requestLog.get(target.id);
    assert.ok(record);
    await page.locator(`[data-testid="requests-table"] tr[data-id="${target.id}"]`).click();
    const detail = page.locator(`[data-testid="request-detail"] .drawer-body[data-id="${target.id}"]`);
    await detail.waitFor();
    assert.equal(await detail.getByTestId('detail-reason').textContent(), record.reason);
    assert.match((await detail.getByTestId('detail-model').textContent()) ?? '', /large\s*cloud/);
    assert.equal(await detail.getByTestId('detail-score').textContent(), record.score === null ? '–' : record.score.toFixed(3));
    assert.equal(await detail.getByTestId('detail-threshold').textContent(), record.threshold === null ? '–' : record.threshold.toFixed(3));
    const candidates = await detail.locator('[data-testid="detail-candidates"] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        model: tr.getAttribute('data-model'),
        allowed: tr.getAttribute('data-allowed') === 'true',
        verdicts: [...tr.querySelectorAll('.verdicts li')].map((li) => li.textContent),
      })),
    );
    assert.deepEqual(candidates, record.candidates.map((c) => ({ model: c.model, allowed: c.allowed, verdicts: c.reasons })));
    // The tool call is why the small model was refused, and the page says so.
    assert.ok(candidates.some((c) => c.model === 'small' && !c.allowed), JSON.stringify(candidates));
    assert.match((await detail.getByTestId('detail-request-body').textContent()) ?? '', /look this up/);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-request-detail.png') });
    await page.getByTestId('detail-close').click();
    await page.getByTestId('request-detail').waitFor({ state: 'detached' });
  });

  test('new traffic appears without a reload', async () => {
    await send('plain');
    await page.locator(`[data-testid="chart-models"][data-total="${sent.length}"]`).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('[data-testid="requests-table"] tbody tr').count(), sent.length);
    assert.equal(await page.locator(`[data-testid="requests-table"] tr[data-id="${sent.at(-1)?.id}"]`).count(), 1);
  });

  test('the toggle switches to dark mode and back', async () => {
    // Strings, not functions: this file is type-checked without the DOM library.
    const background = (): Promise<string> => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const light = await background();
    await page.getByTestId('theme-toggle').click();
    // Preact applies the change after the click returns: wait for it rather than read at once.
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    const dark = await background();
    assert.notEqual(dark, light);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-dark.png'), fullPage: true });
    await page.getByTestId('theme-toggle').click();
    await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
    assert.equal(await background(), light);
  });

  test('a browser that prefers dark starts dark', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    try {
      const dark = await context.newPage();
      await dark.goto(`${h.url}/dashboard`);
      await dark.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    } finally {
      await context.close();
    }
  });
});
