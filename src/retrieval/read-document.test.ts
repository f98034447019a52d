import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentError, documentType, readDocument } from './read-document.js';
import { minimalPdf } from './testing/minimal-pdf.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

test('types come from the extension; an unsupported one names the supported ones', () => {
  assert.equal(documentType('docs/a.MD'), 'markdown');
  assert.equal(documentType('a.txt'), 'text');
  assert.equal(documentType('x.pdf'), 'pdf');
  assert.equal(documentType('x.ndjson'), 'jsonl');
  assert.throws(
    () => documentType('slides.pptx'),
    (e: unknown) => e instanceof DocumentError && e.code === 'unsupported_type' && /\.pptx.*\.txt.*\.pdf/.test(e.message),
  );
  assert.throws(() => documentType('Makefile'), /unsupported file type "\(none\)"/);
});

test('text and markdown are one section; blank ones are empty documents', async () => {
  assert.deepEqual(await readDocument('a.md', 'markdown', bytes('# Title\n\nBody.')), [{ text: '# Title\n\nBody.', offset: 0 }]);
  await assert.rejects(readDocument('e.txt', 'text', bytes(' \n\t\n')), (e: unknown) => e instanceof DocumentError && e.code === 'empty_document');
  await assert.rejects(readDocument('bad.txt', 'text', Uint8Array.from([0xff, 0xfe, 0x00, 0xc3])), /not valid UTF-8/);
});

test('JSONL: one section per record, from the configured field', async () => {
  const content = '{"text":"first record"}\n\n{"text":"second","id":2}\n';
  assert.deepEqual(await readDocument('a.jsonl', 'jsonl', bytes(content)), [
    { text: 'first record', offset: 0 },
    { text: 'second', offset: 14 },
  ]);
  assert.deepEqual(
    (await readDocument('b.jsonl', 'jsonl', bytes('{"body":"x y"}'), { textField: 'body' })).map((s) => s.text),
    ['x y'],
  );
  await assert.rejects(readDocument('c.jsonl', 'jsonl', bytes('{"body":"x"}')), /line 1 has no string field "text"/);
  await assert.rejects(readDocument('d.jsonl', 'jsonl', bytes('{"text":"ok"}\nnot json')), /line 2 is not JSON/);
  await assert.rejects(readDocument('e.jsonl', 'jsonl', bytes('{"text":"  "}')), /no text to ingest/);
});

test('PDF: the text of each page, from a PDF written here', async () => {
  const pdf = minimalPdf(['Refunds take five business days.\nContact billing (ext. 42).', 'Page two: shipping is free over 50 EUR.']);
  const sections = await readDocument('policy.pdf', 'pdf', pdf);
  assert.equal(sections.length, 2);
  assert.match(sections[0]?.text ?? '', /Refunds take five business days\.\s+Contact billing \(ext\. 42\)\./);
  assert.match(sections[1]?.text ?? '', /shipping is free over 50 EUR/);
  assert.equal(sections[1]?.offset, (sections[0]?.text.length ?? 0) + 2);
  await assert.rejects(readDocument('blank.pdf', 'pdf', minimalPdf([''])), /no text to ingest/);
  await assert.rejects(
    readDocument('junk.pdf', 'pdf', bytes('this is not a pdf')),
    (e: unknown) => e instanceof DocumentError && e.code === 'invalid_document',
  );
});
