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
import { echoResponder, startEchoUpstream } from './helpers/openai-upstream.js';
import OpenAI from 'openai';
import { routeOutcome } from '../src/telemetry/report/route-outcome.js';

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
      .create({
        model: 'tandem/auto',
        messages: [{ role: 'user', content: kind === 'plain' ? 'hi there' : 'look this up' }],
        ...(kind === 'tools' ? { tools: TOOLS } : {}),
      })
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
    assert.deepEqual((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).sort(), sent.map((s) => s.id).sort());
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
    assert.equal(await detail.getByTestId('detail-reason').textContent(), routeOutcome(record).text);
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
    assert.deepEqual(
      candidates,
      record.candidates.map((c) => ({ model: c.model, allowed: c.allowed, verdicts: c.reasons })),
    );
    // The tool call is why the small model was refused, and the page says so.
    assert.ok(
      candidates.some((c) => c.model === 'small' && !c.allowed),
      JSON.stringify(candidates),
    );
    assert.match((await detail.getByTestId('detail-request-body').textContent()) ?? '', /look this up/);
    // The requests table's sticky header must not paint over the drawer: at the centre of a header cell
    // that lies under the drawer, the topmost element belongs to the drawer.
    const covered = await page.evaluate<{ inDrawer: boolean; checked: number }>(`(() => {
      const drawer = document.querySelector('[data-testid="request-detail"]').getBoundingClientRect();
      let checked = 0, inDrawer = true;
      for (const th of document.querySelectorAll('[data-testid="requests-table"] thead th')) {
        const r = th.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (x <= drawer.left || y < 0 || y > innerHeight) continue;
        checked++;
        if (!document.elementFromPoint(x, y).closest('[data-testid="request-detail"]')) inDrawer = false;
      }
      return { inDrawer, checked };
    })()`);
    assert.ok(covered.checked > 0, 'some header cells lie under the drawer');
    assert.ok(covered.inDrawer, 'the sticky table header paints over the drawer');
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

  test('a fallback: the Why column ends with the model that answered and is marked; a client 4xx stays out of the red error rate', async () => {
    local.on('/v1/chat/completions', { status: 500, body: { error: { message: 'local model crashed' } } });
    try {
      await send('plain');
    } finally {
      local.on('/v1/chat/completions', echoResponder());
    }
    const fallback = sent.at(-1);
    assert.equal(fallback?.model, 'large', 'the local failure fell back to the cloud model');
    const unknown = await h.client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => assert.fail('an unknown model must fail'),
      (error: unknown) => error,
    );
    assert.ok(unknown instanceof OpenAI.NotFoundError);
    const refusedId = unknown.requestID ?? '';
    const row = page.locator(`[data-testid="requests-table"] tr[data-id="${fallback?.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    assert.match((await row.getByTestId('why').textContent()) ?? '', /; fell back -> large$/);
    assert.equal(await row.getByTestId('badge-fallback').count(), 1);

    const refused = page.locator(`[data-testid="requests-table"] tr[data-id="${refusedId}"]`);
    await refused.waitFor({ timeout: 20_000 });
    const cells = await refused.locator('td').allTextContents();
    assert.equal(cells[1], 'gpt-nope', 'an error row names what was asked for in Route');
    assert.match(cells[3] ?? '', /^not routed: failed \(404\): The model "gpt-nope" does not exist/);
    // Every 5xx so far is none: the 404 was the client's, so the red rate stays at zero.
    await page.locator('[data-testid="kpi-errors"] .kpi-note', { hasText: '1 client (4xx)' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('kpi-errors').locator('.kpi-value').textContent(), '0%');
    await refused.click();
    await page.locator(`[data-testid="request-detail"] .drawer-body[data-id="${refusedId}"]`).waitFor();
    assert.doesNotMatch((await page.getByTestId('detail-route').textContent()) ?? '', /named directly: \)/);
    await page.getByTestId('detail-close').click();
  });

  test('the Models panel shows a live registry version, and a promotion without a reload', async () => {
    const service = h.gateway.registry?.service;
    assert.ok(service);
    const version = (n: number) => ({
      kind: 'model' as const,
      name: 'my-llama-ft',
      bytes: new TextEncoder().encode(`gguf v${n}`),
      createdAt: Date.now(),
      provenance: { dataset: 'browser test' },
      metrics: { accuracy: 0.5 + n / 10 },
    });
    await service.register(version(1), { actor: 'test', live: true });
    await service.register(version(2), { actor: 'test' });
    await service.canary({ kind: 'model', name: 'my-llama-ft', version: 2 }, { actor: 'test' });
    await page.goto(`${h.url}/dashboard?poll=1000`);
    const panel = page.getByTestId('models-registry');
    await panel.locator('tr[data-version="1"][data-status="live"]').waitFor({ timeout: 20_000 });
    await panel.locator('tr[data-version="2"][data-status="canary"]').waitFor();
    assert.match((await panel.locator('tr[data-version="1"]').textContent()) ?? '', /accuracy 0\.600/);
    await service.promote({ kind: 'model', name: 'my-llama-ft', version: 2 }, { actor: 'test' });
    await panel.locator('tr[data-version="2"][data-status="live"]').waitFor({ timeout: 20_000 });
    assert.equal(await panel.locator('tr[data-version="1"]').count(), 0, 'a retired version leaves the panel');
  });

  test('at 390 px wide (a phone) nothing overflows the page, and the requests table scrolls inside its card', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    try {
      const phone = await context.newPage();
      await phone.goto(`${h.url}/dashboard`);
      await phone.getByTestId('key-input').fill(ADMIN_KEY);
      await phone.getByRole('button', { name: 'Open dashboard' }).click();
      await phone.getByTestId('requests-table').waitFor();
      const widths = await phone.evaluate<{ page: number; scroller: number; table: number }>(`(() => {
        const scroller = document.querySelector('[data-testid="requests-table"]').parentElement;
        return { page: document.documentElement.scrollWidth, scroller: scroller.clientWidth, table: scroller.scrollWidth };
      })()`);
      assert.ok(widths.page <= 390, `the page is ${widths.page} px wide at a 390 px viewport`);
      assert.ok(widths.scroller <= 390, `the table's card is ${widths.scroller} px wide`);
      // The table keeps its columns and scrolls sideways within the card instead of being cut off.
      assert.ok(widths.table > widths.scroller, JSON.stringify(widths));
      await phone.screenshot({ path: join(OUTPUT, 'dashboard-390px.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
