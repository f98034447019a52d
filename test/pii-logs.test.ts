/**
 * What the logs keep of requests with personal data, read straight from the SQLite tables: the audit log
 * holds no value at all (the `user` field only as a keyed hash), and the request log of a `pseudonymise`
 * route holds the placeholder copy by default, the clear body only with `store.log_bodies: clear`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { TandemConfigInput } from '../src/config/schema.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../src/providers/testing/fake-upstream.js';
import { startGateway, type Harness } from './helpers/gateway-harness.js';
import { generateLeakCases, type LeakCase } from './pii-leak-generator.js';

const cases = generateLeakCases({ count: 48, seed: 20261205 });
const USER_KEY = 'audit-user-key-for-tests-0123456789';

/** Echoes every string it received back as the answer: the client gets its values back restored. */
function echo(recorded: RecordedRequest): { body: unknown } {
  const body = recorded.json as { model: string; messages: Array<{ content: unknown }> };
  const text = JSON.stringify(body.messages.map((m) => m.content));
  return {
    body: {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: `echo ${text}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    },
  };
}

/** Every row of every table, as text. */
function dump(path: string): Map<string, string> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    return new Map(tables.map(({ name }) => [name, JSON.stringify(db.prepare(`select * from "${name}"`).all())]));
  } finally {
    db.close();
  }
}

/** The planted values (whole, and the identifying fragments), JSON-escaped as a row would hold them. */
function needles(c: LeakCase): string[] {
  return c.planted.flatMap((p) => p.fragments).flatMap((f) => [f, JSON.stringify(f).slice(1, -1)]);
}

async function run(logBodies: true | 'clear'): Promise<{ dir: string; h: Harness; cloud: FakeUpstream; local: FakeUpstream; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pii-logs-'));
  const path = join(dir, 'tandem.db');
  const cloud = await startFakeUpstream({ '/v1/chat/completions': echo });
  const local = await startFakeUpstream({ '/v1/chat/completions': echo });
  const model = (url: string, locality: 'local' | 'cloud'): TandemConfigInput['models'][string] => ({
    provider: 'openai-compatible',
    base_url: `${url}/v1`,
    locality,
    context_window: 64_000,
    capabilities: { tools: true },
    timeout_ms: 5_000,
  });
  const route = (mode: 'local-only' | 'pseudonymise'): NonNullable<TandemConfigInput['routes']>[string] => ({
    models: ['cloud', 'local'],
    policies: [{ type: 'privacy', mode }],
    router: { type: 'fixed', model: 'cloud' },
  });
  const h = await startGateway({
    models: { cloud: model(cloud.url, 'cloud'), local: model(local.url, 'local') },
    routes: { 'p/pseudonymise': route('pseudonymise'), 'p/local-only': route('local-only') },
    store: { type: 'sqlite', path, log_bodies: logBodies },
    audit: { user_key: USER_KEY },
  });
  for (const c of cases) {
    // The e-mail address of the case (or a fixed one) as the `user` field, as many clients send it.
    const email = c.planted.find((p) => p.type === 'EMAIL_ADDRESS')?.value ?? `customer${c.index}@example.org`;
    if (!c.planted.some((p) => p.value === email)) c.planted.push({ type: 'EMAIL_ADDRESS', value: email, fragments: [email], core: email });
    await h.client.chat.completions.create({
      model: c.index % 2 === 0 ? 'p/pseudonymise' : 'p/local-only',
      messages: c.messages,
      user: email,
      metadata: { contact: email },
    });
  }
  return { dir, h, cloud, local, path };
}

describe('logs without values (SQLite tables)', () => {
  let setup: Awaited<ReturnType<typeof run>>;
  before(async () => {
    setup = await run(true);
  });
  after(async () => {
    await setup?.h.close();
    await setup?.cloud.close();
    await setup?.local.close();
    if (setup) rmSync(setup.dir, { recursive: true, force: true });
  });

  test('the audit table holds no planted value; `user` only as a keyed hash', () => {
    const tables = dump(setup.path);
    const audit = tables.get('audit_log') ?? '';
    assert.ok(audit.length > 1000, 'audit records were written');
    for (const c of cases) for (const n of needles(c)) assert.ok(!audit.includes(n), `case ${c.index}: a planted value is in the audit log`);
    assert.match(audit, /hmac-sha256:[0-9a-f]{32}/);
  });

  test('the request table of the pseudonymise route holds placeholders, not values (bodies logged by default)', () => {
    const db = new Database(setup.path, { readonly: true });
    const rows = db.prepare("select * from requests where route = 'p/pseudonymise'").all() as Array<{
      request_body: string | null;
      response_body: string | null;
    }>;
    db.close();
    assert.equal(rows.length, cases.length / 2);
    const text = JSON.stringify(rows);
    assert.ok(
      rows.every((r) => r.request_body !== null && r.response_body !== null),
      'bodies are logged',
    );
    assert.match(text, /<[A-Z_]+_\d+_[a-z0-9]{4}>/);
    for (const c of cases.filter((x) => x.index % 2 === 0))
      for (const n of needles(c)) assert.ok(!text.includes(n), `case ${c.index}: a planted value is in the request log`);
  });
});

describe('store.log_bodies: clear', () => {
  test('keeps the bodies as the client sent them, and the audit still holds no value', async () => {
    const setup = await run('clear');
    try {
      const db = new Database(setup.path, { readonly: true });
      const row = db.prepare("select request_body from requests where route = 'p/pseudonymise' limit 1").get() as { request_body: string };
      db.close();
      const first = cases.find((c) => c.index % 2 === 0) as LeakCase;
      assert.ok(row.request_body.includes(JSON.stringify(first.planted[0]?.value).slice(1, -1)));
      const audit = dump(setup.path).get('audit_log') ?? '';
      for (const c of cases) for (const n of needles(c)) assert.ok(!audit.includes(n));
    } finally {
      await setup.h.close();
      await setup.cloud.close();
      await setup.local.close();
      rmSync(setup.dir, { recursive: true, force: true });
    }
  });
});
