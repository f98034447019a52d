/** `tandem keys`, `tandem audit` and `tandem purge` against a real SQLite file, through commander. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { AuditChain } from '../governance/audit-chain.js';
import { makeAuditEntry } from '../store/audit-log.contract.js';
import { makeRecord } from '../store/request-log.contract.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { registerAuditCommand } from './audit-command.js';
import type { CliDeps } from './cli-deps.js';
import { registerKeysCommand } from './keys-command.js';
import { registerPurgeCommand } from './purge-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-governance-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = 0;
});

let n = 0;
function setup(extraStore = ''): { config: string; db: string } {
  const sub = join(dir, `case-${++n}`);
  const db = join(sub, 'tandem.db');
  const config = join(sub, 'tandem.yaml');
  mkdirSync(sub, { recursive: true });
  writeFileSync(
    config,
    `store: { type: sqlite, path: tandem.db${extraStore} }\nmodels:\n  small: { provider: openai-compatible, base_url: "http://127.0.0.1:1/v1", model: m, locality: local }\n`,
  );
  return { config, db };
}

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const deps: CliDeps = {
    loadConfig: () => Promise.reject(new Error('unused')),
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
  };
  const program = new Command('tandem').exitOverride().configureOutput({ writeErr: () => {} });
  registerKeysCommand(program, deps);
  registerAuditCommand(program, deps);
  registerPurgeCommand(program, deps);
  process.exitCode = 0;
  await program.parseAsync(['node', 'tandem', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

test('keys create prints the secret once; list never shows it; revoke marks the key', async () => {
  const { config } = setup();
  const created = await run([
    'keys',
    'create',
    '--config',
    config,
    '--name',
    'ci bot',
    '--routes',
    'tandem/*',
    '--rpm',
    '30',
    '--spend-day',
    '2.5',
    '--expires',
    '30d',
    '--json',
  ]);
  assert.equal(created.code, 0, created.err);
  const { key, secret } = JSON.parse(created.out) as { key: { id: string; expires_at: string; limits: Record<string, number> }; secret: string };
  assert.match(secret, /^tdm_/);
  assert.deepEqual(key.limits, { requests_per_minute: 30, spend_per_day: 2.5 });
  const days = (Date.parse(key.expires_at) - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);

  const listed = await run(['keys', 'list', '--config', config, '--json']);
  assert.ok(!listed.out.includes(secret.slice(10)));
  assert.deepEqual(
    (JSON.parse(listed.out) as Array<{ id: string; status: string }>).map((k) => [k.id, k.status]),
    [[key.id, 'active']],
  );
  const table = await run(['keys', 'list', '--config', config]);
  assert.match(table.out, /ci bot .* active .* tandem\/\*/);

  assert.equal((await run(['keys', 'revoke', '--config', config, key.id])).code, 0);
  const after = JSON.parse((await run(['keys', 'list', '--config', config, '--json'])).out) as Array<{ status: string }>;
  assert.equal(after[0]?.status, 'revoked');
  const missing = await run(['keys', 'revoke', '--config', config, 'key_nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no API key key_nope/);
  const bad = await run(['keys', 'create', '--config', config, '--name', 'x', '--expires', '2001-01-01']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /in the past/);
});

test('audit verify passes an intact chain and names the first altered record, exiting 1', async () => {
  const { config, db } = setup();
  const store = await openSqliteStore({ path: db, logBodies: false });
  const chain = new AuditChain({ log: store.audit, replicaId: 'r1' });
  for (let i = 0; i < 5; i++) await chain.append(makeAuditEntry({ requestId: `q${i}` }));
  await new AuditChain({ log: store.audit, replicaId: 'r2' }).append(makeAuditEntry({ requestId: 'other' }));
  await store.close();

  const intact = await run(['audit', 'verify', '--config', config]);
  assert.equal(intact.code, 0, intact.err);
  assert.match(intact.out, /chain r1: 5 records \(#1\.\.#5\) intact; tip hash [0-9a-f]{64}/);
  assert.match(intact.out, /chain r2: 1 records/);

  const raw = new Database(db);
  const row = raw.prepare("select body from audit_log where replica_id = 'r1' and seq = 3").get() as { body: string };
  raw.prepare("update audit_log set body = ? where replica_id = 'r1' and seq = 3").run(row.body.replace('"status":200', '"status":500'));
  raw.close();
  const broken = await run(['audit', 'verify', '--config', config]);
  assert.equal(broken.code, 1);
  assert.match(broken.out, /chain r1: BROKEN at record #3: hash does not match/);
  assert.match(broken.out, /chain r2: 1 records .* intact/);
});

test('audit export writes JSON lines since a time; purge deletes old rows and the chain still verifies', async () => {
  const { config, db } = setup(', retention_days: 30');
  const store = await openSqliteStore({ path: db, logBodies: false });
  const day = 86_400_000;
  let now = Date.now() - 40 * day;
  const chain = new AuditChain({ log: store.audit, replicaId: 'r1', now: () => now });
  for (let i = 0; i < 3; i++) {
    await chain.append(makeAuditEntry({ requestId: `old${i}` }));
    await store.requestLog.append(makeRecord({ id: `old${i}`, time: now }));
  }
  now = Date.now() - day;
  for (let i = 0; i < 2; i++) {
    await chain.append(makeAuditEntry({ requestId: `new${i}` }));
    await store.requestLog.append(makeRecord({ id: `new${i}`, time: now }));
  }
  await store.close();

  const exported = await run(['audit', 'export', '--config', config, '--since', '7d', '--format', 'jsonl']);
  const lines = exported.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { entry: { requestId: string }; hash: string });
  assert.deepEqual(
    lines.map((l) => l.entry.requestId),
    ['new0', 'new1'],
  );
  await assert.rejects(run(['audit', 'export', '--config', config, '--format', 'csv']), /only format is jsonl/);

  const purged = await run(['purge', '--config', config, '--json']);
  assert.equal(purged.code, 0, purged.err);
  const summary = JSON.parse(purged.out) as { requests: number; audit: Array<{ replica: string; deleted: number; checkpointSeq: number }> };
  assert.equal(summary.requests, 3);
  assert.deepEqual(summary.audit, [{ replica: 'r1', deleted: 3, checkpointSeq: 6 }]);
  const verified = await run(['audit', 'verify', '--config', config, '--json']);
  assert.equal(verified.code, 0);
  const report = JSON.parse(verified.out) as { ok: boolean; chains: Array<{ firstSeq: number; lastSeq: number }> };
  assert.deepEqual([report.ok, report.chains[0]?.firstSeq, report.chains[0]?.lastSeq], [true, 4, 6]);
  const reopened = await openSqliteStore({ path: db, logBodies: false });
  assert.deepEqual((await reopened.requestLog.recent({ limit: 10 })).map((r) => r.id).sort(), ['new0', 'new1']);
  await reopened.close();
});

test('audit verify reports logged requests without an audit record, with their ids, and exits 1', async () => {
  const { config, db } = setup();
  const store = await openSqliteStore({ path: db, logBodies: false });
  const chain = new AuditChain({ log: store.audit, replicaId: 'web-1/2026-12-05T10:00:00.000Z/1-abcdef' });
  const now = Date.now();
  for (let i = 0; i < 4; i++) {
    await store.requestLog.append(makeRecord({ id: `r${i}`, time: now - 10_000 + i }));
    if (i !== 1) await chain.append(makeAuditEntry({ requestId: `r${i}`, time: now - 10_000 + i }));
  }
  await store.close();
  const result = await run(['audit', 'verify', '--config', config]);
  assert.equal(result.code, 1);
  assert.match(result.out, /chain web-1\/2026-12-05T10:00:00\.000Z\/1-abcdef: 3 records .* intact/);
  assert.match(result.out, /completeness: 1 of 4 logged requests in .* have NO audit record; first: r1/);
  // --replica takes the configured name and skips the completeness check (a request is not tied to a chain).
  const one = await run(['audit', 'verify', '--config', config, '--replica', 'web-1']);
  assert.equal(one.code, 0, one.out);
  assert.match(one.out, /completeness: not checked \(only some chains were verified\)/);
});

test('audit anchor writes every tip to a file and a URL; verify --anchor detects a cut-off tail and a deleted chain', async () => {
  const { config, db } = setup();
  const store = await openSqliteStore({ path: db, logBodies: false });
  const chains = ['a', 'b'].map((id) => new AuditChain({ log: store.audit, replicaId: id }));
  for (let i = 0; i < 4; i++) for (const c of chains) await c.append(makeAuditEntry({ requestId: `${c.replicaId}${i}` }));
  await store.close();

  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchors`;
  const file = join(dirname(db), 'anchor.json');
  try {
    const anchored = await run(['audit', 'anchor', '--config', config, '--out', file, '--url', url]);
    assert.equal(anchored.code, 0, anchored.err);
    assert.match(anchored.out, /anchored 2 chains \(8 records\)/);
  } finally {
    server.close();
  }
  const anchor = JSON.parse(readFileSync(file, 'utf8')) as { format: string; chains: Array<{ chain: string; seq: number }> };
  assert.deepEqual(JSON.parse(received[0] ?? '{}'), anchor);
  assert.deepEqual(
    anchor.chains.map((c) => [c.chain, c.seq]),
    [
      ['a', 4],
      ['b', 4],
    ],
  );

  // Later records that chain from the tips are fine.
  const reopened = await openSqliteStore({ path: db, logBodies: false });
  await new AuditChain({ log: reopened.audit, replicaId: 'a' }).append(makeAuditEntry({ requestId: 'a-later' }));
  await reopened.close();
  const fine = await run(['audit', 'verify', '--config', config, '--anchor', file]);
  assert.equal(fine.code, 0, fine.out);
  assert.match(fine.out, /chain a #4: ok: #4 matches the anchor; 1 records appended since/);

  const raw = new Database(db);
  raw.prepare("delete from audit_log where replica_id = 'a' and seq >= 3").run();
  raw.prepare("delete from audit_log where replica_id = 'b'").run();
  raw.close();
  const plain = await run(['audit', 'verify', '--config', config]);
  assert.equal(plain.code, 0, 'without the anchor both cuts go unnoticed');
  const caught = await run(['audit', 'verify', '--config', config, '--anchor', file]);
  assert.equal(caught.code, 1);
  assert.match(caught.out, /chain a #4: TRUNCATED: the chain ends at #2/);
  assert.match(caught.out, /chain b #4: DELETED/);

  const missing = await run(['audit', 'anchor', '--config', config]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /--out <file> and\/or --url <url>/);
  writeFileSync(file, '{"format":"something else"}');
  const wrong = await run(['audit', 'verify', '--config', config, '--anchor', file]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /is not a Tandem audit anchor/);
});
