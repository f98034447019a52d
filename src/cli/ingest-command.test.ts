import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { Command } from 'commander';
import { configSchema } from '../config/schema.js';
import { collectionSpace } from '../retrieval/collection-store.js';
import { minimalPdf } from '../retrieval/testing/minimal-pdf.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { CliDeps } from './cli-deps.js';
import { registerIngestCommand } from './ingest-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-ingest-cli-'));
const cwd = process.cwd();
const config = configSchema.parse({
  store: { type: 'sqlite', path: 'tandem.db' },
  models: { m: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', locality: 'local' } },
  collections: { faq: { text_field: 'answer', chunking: { max_chars: 200, overlap_chars: 0 } } },
});

before(() => {
  mkdirSync(join(dir, 'docs/nested'), { recursive: true });
  mkdirSync(join(dir, 'docs/.git'), { recursive: true });
  writeFileSync(join(dir, 'docs/refunds.md'), '# Refunds\n\nRefunds take five business days.');
  writeFileSync(join(dir, 'docs/nested/shipping.txt'), 'Shipping is free over 50 euros.');
  writeFileSync(join(dir, 'docs/nested/terms.pdf'), minimalPdf(['Terms: the warranty lasts two years.']));
  writeFileSync(join(dir, 'docs/logo.png'), 'not really a png');
  writeFileSync(join(dir, 'docs/.git/config.md'), 'hidden, never ingested');
  writeFileSync(join(dir, 'faq.jsonl'), `${JSON.stringify({ answer: 'We open at eight.' })}\n${JSON.stringify({ answer: 'We close at six.' })}\n`);
  writeFileSync(join(dir, 'empty.txt'), '\n\n');
  writeFileSync(join(dir, 'notes.docx'), 'x');
  process.chdir(dir);
});
after(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

async function tandem(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const deps: CliDeps = { loadConfig: async () => ({ config, baseDir: dir }), stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) };
  const program = new Command('tandem').exitOverride();
  registerIngestCommand(program, deps);
  await program.parseAsync(['node', 'tandem', ...args, '--config', join(dir, 'tandem.yaml')]);
  return { stdout, stderr };
}

async function storeCounts(collection: string): Promise<{ chunks: number | undefined; vectors: number | undefined; private: boolean | undefined }> {
  const store = await openSqliteStore({ path: join(dir, 'tandem.db'), logBodies: false });
  try {
    const info = await store.collections.collection(collection);
    return { chunks: info?.chunks, vectors: await store.vectors?.count(collectionSpace(collection)), private: info?.private };
  } finally {
    await store.close();
  }
}

test('walks a directory, skips hidden entries and unsupported types, and ingests the rest', async () => {
  const { stdout, stderr } = await tandem('ingest', 'handbook', 'docs', '--private');
  assert.equal(stderr, '');
  assert.equal(process.exitCode, undefined);
  assert.match(stdout, /^collection handbook \(private\): 3 chunks embedded with lexical-v1-1024 in \d+ ms \(\d+ chunks\/s\)/);
  assert.match(stdout, /added {5}docs\/nested\/shipping\.txt \(1 chunk\)/);
  assert.match(stdout, /added {5}docs\/nested\/terms\.pdf \(1 chunk\)/);
  assert.match(stdout, /added {5}docs\/refunds\.md \(1 chunk\)/);
  assert.match(stdout, /skipped 1 file of unsupported types: docs\/logo\.png/);
  assert.doesNotMatch(stdout, /\.git/);
  assert.deepEqual(await storeCounts('handbook'), { chunks: 3, vectors: 3, private: true });
});

test('again: unchanged files are left alone, a changed one is replaced', async () => {
  writeFileSync(join(dir, 'docs/refunds.md'), '# Refunds\n\nRefunds now take ten business days.\n\nStore credit is immediate.');
  const report = JSON.parse((await tandem('ingest', 'handbook', 'docs', '--json')).stdout) as {
    documents: Array<{ source: string; status: string }>;
    chunks: number;
    private: boolean;
  };
  assert.deepEqual(
    report.documents.map((d) => [d.source, d.status]),
    [
      ['docs/nested/shipping.txt', 'unchanged'],
      ['docs/nested/terms.pdf', 'unchanged'],
      ['docs/refunds.md', 'replaced'],
    ],
  );
  assert.equal(report.chunks, 1);
  assert.equal(report.private, true, 'private stays without --private');
  assert.deepEqual(await storeCounts('handbook'), { chunks: 3, vectors: 3, private: true });
});

test("a JSONL file uses the collection's text field and chunking from the config", async () => {
  const report = JSON.parse((await tandem('ingest', 'faq', 'faq.jsonl', '--json')).stdout) as { chunks: number; documents: Array<{ source: string }> };
  assert.equal(report.chunks, 2);
  assert.equal(report.documents[0]?.source, 'faq.jsonl');
  const wrongField = await tandem('ingest', 'faq2', 'faq.jsonl');
  assert.match(wrongField.stderr, /^tandem ingest: faq\.jsonl: line 1 has no string field "text"/);
  assert.equal(process.exitCode, 1);
});

test('a named file of an unsupported type, an empty file or a missing path fails with a clear message', async () => {
  const unsupported = await tandem('ingest', 'handbook', 'notes.docx');
  assert.match(
    unsupported.stderr,
    /^tandem ingest: notes\.docx: unsupported file type "\.docx"; Tandem ingests \.txt, \.text, \.md, \.markdown, \.pdf, \.jsonl, \.ndjson\n$/,
  );
  assert.equal(process.exitCode, 1);
  process.exitCode = undefined;
  const empty = await tandem('ingest', 'handbook', 'empty.txt');
  assert.match(empty.stderr, /empty\.txt: the document has no text to ingest/);
  process.exitCode = undefined;
  const missing = await tandem('ingest', 'handbook', 'nowhere');
  assert.match(missing.stderr, /nowhere: no such file or directory/);
  assert.deepEqual(await storeCounts('handbook'), { chunks: 3, vectors: 3, private: true });
});
