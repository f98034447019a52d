/**
 * The dashboard's server side over real HTTP: the admin read API (auth, validation, figures that match
 * the traffic sent with the openai client) and the static files at /dashboard (types, caching, traversal).
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { DashboardSeries, RequestDetail, RequestsPage } from '../src/api/admin-dashboard-types.js';
import type { FakeUpstream } from '../src/providers/testing/fake-upstream.js';
import { startGateway, twoModelConfig, type Harness } from './helpers/gateway-harness.js';
import { startEchoUpstream } from './helpers/openai-upstream.js';

const ADMIN_KEY = 'admin-key-0123456789';
const TOOLS = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

/** A raw GET: fetch would normalise `..` in the path before sending it. */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let cloud: FakeUpstream;
let local: FakeUpstream;
before(async () => {
  cloud = await startEchoUpstream();
  local = await startEchoUpstream();
});
after(async () => {
  await cloud.close();
  await local.close();
});

describe('admin dashboard API', () => {
  let h: Harness;
  const sent: Array<{ id: string; model: string }> = [];
  const admin = (path: string): Promise<Response> => fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

  before(async () => {
    h = await startGateway(twoModelConfig(cloud.url, local.url, { server: { api_keys: ['client-key-1'], admin_key: ADMIN_KEY } }), { apiKey: 'client-key-1' });
    for (const tools of [false, true, false]) {
      const { response } = await h.client.chat.completions
        .create({ model: 'tandem/auto', messages: [{ role: 'user', content: 'hello' }], ...(tools ? { tools: TOOLS } : {}) })
        .withResponse();
      sent.push({ id: response.headers.get('x-tandem-request-id') ?? '', model: response.headers.get('x-tandem-model') ?? '' });
    }
  });
  after(() => h.close());

  test('needs the admin key: none or an API key gets 401 in OpenAI error JSON', async () => {
    for (const authorization of [undefined, 'Bearer client-key-1']) {
      const response = await fetch(`${h.url}/admin/dashboard/series`, { headers: authorization ? { authorization } : {} });
      assert.equal(response.status, 401);
      const body = (await response.json()) as { error: { type: string; code: string } };
      assert.equal(body.error.type, 'invalid_request_error');
    }
  });

  test('without a bucket, a range of a day or more gets an hour-aligned grid of whole hours that still counts every request', async () => {
    const HOUR = 3_600_000;
    const asked = Date.now() - 2 * 24 * HOUR - 123_456;
    const response = await admin(`/admin/dashboard/series?since=${asked}`);
    assert.equal(response.status, 200);
    const series = (await response.json()) as DashboardSeries;
    assert.equal(series.since, Math.floor(asked / HOUR) * HOUR);
    assert.equal(series.bucketMs % HOUR, 0);
    assert.equal(series.until % HOUR, 0);
    assert.ok(series.until >= Date.now() - 1 && series.until - HOUR < Date.now(), `${series.until}`);
    assert.equal(series.buckets.length, Math.ceil((series.until - series.since) / series.bucketMs));
    assert.equal(series.totals.requests, sent.length);
    assert.equal(
      series.buckets.reduce((sum, b) => sum + b.requests, 0),
      sent.length,
    );
    // A caller naming its grid gets exactly that grid.
    const exact = (await (await admin(`/admin/dashboard/series?since=${asked}&until=${asked + 2 * 24 * HOUR}&bucket=${HOUR}`)).json()) as DashboardSeries;
    assert.deepEqual([exact.since, exact.bucketMs], [asked, HOUR]);
  });

  test('series totals, locality split and per-model rows match the traffic sent', async () => {
    const now = Date.now();
    const response = await admin(`/admin/dashboard/series?since=${now - 3_600_000}&until=${now + 1}&bucket=60000`);
    assert.equal(response.status, 200);
    const series = (await response.json()) as DashboardSeries;
    const count = (model: string): number => sent.filter((s) => s.model === model).length;
    assert.ok(count('small') > 0 && count('large') > 0, JSON.stringify(sent));
    assert.equal(series.totals.requests, sent.length);
    assert.deepEqual(series.totals.byLocality, { local: count('small'), cloud: count('large') });
    assert.equal(series.buckets.length, Math.ceil((series.until - series.since) / series.bucketMs));
    assert.equal(
      series.buckets.reduce((sum, b) => sum + b.requests, 0),
      sent.length,
    );
    const rows = await Promise.all(sent.map(async (s) => h.gateway.store.requestLog.get(s.id)));
    const cost = rows.reduce((sum, r) => sum + (r?.cost ?? NaN), 0);
    const baseline = rows.reduce((sum, r) => sum + (r?.baselineCost ?? NaN), 0);
    assert.ok(Math.abs(series.totals.cost - cost) < 1e-12);
    assert.ok(Math.abs(series.totals.savings - (baseline - cost)) < 1e-12);
    for (const model of ['small', 'large']) {
      const summary = series.models.find((m) => m.model === model);
      assert.equal(summary?.requests, count(model));
      assert.equal(summary?.locality, model === 'small' ? 'local' : 'cloud');
      assert.ok((summary?.latency.total.p50 ?? 0) > 0, `${model} has a p50`);
    }
  });

  test('requests pages newest first, and one request comes back whole with localities', async () => {
    const first = (await (await admin('/admin/dashboard/requests?limit=2')).json()) as RequestsPage;
    assert.deepEqual(
      first.data.map((r) => r.id),
      [sent[2]?.id, sent[1]?.id],
    );
    assert.ok(first.next !== null);
    const second = (await (await admin(`/admin/dashboard/requests?limit=2&before=${first.next}`)).json()) as RequestsPage;
    assert.deepEqual(
      second.data.map((r) => r.id),
      [sent[0]?.id],
    );
    assert.equal(second.next, null);

    const id = sent[1]?.id ?? '';
    const detail = (await (await admin(`/admin/dashboard/request?id=${encodeURIComponent(id)}`)).json()) as RequestDetail;
    const { locality, candidateLocality, why, fellBack, feedback, ...record } = detail;
    assert.deepEqual(feedback, []);
    const stored = await h.gateway.store.requestLog.get(id);
    assert.deepEqual(record, stored);
    // What happened, ending with the model that answered (telemetry/report/route-outcome.ts).
    assert.ok(stored && why.endsWith(`-> ${stored.model}`), why);
    assert.equal(fellBack, false);
    assert.equal(locality, sent[1]?.model === 'small' ? 'local' : 'cloud');
    assert.deepEqual(candidateLocality, { small: 'local', large: 'cloud' });
  });

  test('bad query parameters are 400s naming the parameter; an unknown id is a 404', async () => {
    const cases: Array<[string, string]> = [
      ['/admin/dashboard/series?since=yesterday', 'since'],
      ['/admin/dashboard/series?since=2000&until=1000', 'since'],
      ['/admin/dashboard/series?since=0&until=100000000&bucket=1', 'bucket'],
      ['/admin/dashboard/series?bucket=0', 'bucket'],
      ['/admin/dashboard/requests?limit=0', 'limit'],
      ['/admin/dashboard/requests?limit=1e3', 'limit'],
      ['/admin/dashboard/requests?before=abc', 'before'],
      ['/admin/dashboard/request', 'id'],
    ];
    for (const [path, param] of cases) {
      const response = await admin(path);
      assert.equal(response.status, 400, path);
      const body = (await response.json()) as { error: { type: string; param: string; message: string } };
      assert.equal(body.error.type, 'invalid_request_error', path);
      assert.equal(body.error.param, param, path);
    }
    const missing = await admin('/admin/dashboard/request?id=nope');
    assert.equal(missing.status, 404);
  });
});

describe('admin dashboard API without an admin key', () => {
  test('is refused (403) while API keys are on, and open while auth is off', async () => {
    const guarded = await startGateway(twoModelConfig(cloud.url, local.url, { server: { api_keys: ['client-key-1'] } }));
    const open = await startGateway(twoModelConfig(cloud.url, local.url));
    try {
      const refused = await fetch(`${guarded.url}/admin/dashboard/requests`, { headers: { authorization: 'Bearer client-key-1' } });
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'admin_disabled');
      assert.equal((await fetch(`${open.url}/admin/dashboard/requests`)).status, 200);
      // The page itself is public either way: it holds no data.
      assert.equal((await fetch(`${guarded.url}/dashboard/`)).status, 200);
    } finally {
      await guarded.close();
      await open.close();
    }
  });
});

describe('dashboard static files', () => {
  let h: Harness;
  before(async () => {
    h = await startGateway(twoModelConfig(cloud.url, local.url, { server: { api_keys: ['client-key-1'], admin_key: ADMIN_KEY } }));
  });
  after(() => h.close());

  test('/dashboard serves the page, revalidated; hashed assets are immutable, typed and same-origin', async () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/index.html']) {
      const page = await fetch(`${h.url}${path}`);
      assert.equal(page.status, 200, path);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '').filter((a) => !a.startsWith('data:'));
      assert.ok(assets.length >= 2, html);
      for (const asset of assets) {
        assert.match(asset, /^\/dashboard\/assets\//, 'no CDN: every asset comes from Tandem');
        const file = await fetch(`${h.url}${asset}`);
        assert.equal(file.status, 200, asset);
        assert.equal(file.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        assert.equal(file.headers.get('content-type'), asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
        await file.arrayBuffer();
      }
    }
  });

  test('ETag revalidation answers 304; HEAD has headers and no body', async () => {
    const first = await fetch(`${h.url}/dashboard/`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    await first.text();
    const again = await rawGet(h.url, '/dashboard/', { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    const head = await rawGet(h.url, '/dashboard/', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 0);
  });

  test('paths that escape the folder, or are malformed, never serve a file', async () => {
    for (const path of [
      '/dashboard/../package.json',
      '/dashboard/../../etc/passwd',
      '/dashboard/%2e%2e/package.json',
      '/dashboard/..%2f..%2fpackage.json',
      '/dashboard/assets/..%5c..%5cpackage.json',
      '/dashboard/%00index.html',
      '/dashboard/%E0%A4%A',
      '/dashboard/nope.js',
    ]) {
      const response = await rawGet(h.url, path);
      assert.ok(response.status === 404 || response.status === 400, `${path}: ${response.status}`);
      assert.doesNotMatch(response.body, /tandem-gateway|root:/, path);
      assert.ok(JSON.parse(response.body).error.message, path);
    }
    const post = await fetch(`${h.url}/dashboard/`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    // Only the prefix itself and paths under it are the dashboard.
    assert.equal((await fetch(`${h.url}/dashboardx`)).status, 404);
  });
});
