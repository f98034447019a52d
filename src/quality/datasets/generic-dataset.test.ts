import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetFormatError, loadGenericDataset } from './generic-dataset.js';
import { parseCsv } from './parse-csv.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

describe('generic dataset format', () => {
  test('reads JSONL with scores, responses and costs; the weaker model on average is "weak"', async () => {
    const d = await loadGenericDataset(join(fixtures, 'tiny.jsonl'));
    assert.equal(d.weakModel, 'small');
    assert.equal(d.strongModel, 'large');
    assert.equal(d.examples.length, 3);
    assert.deepEqual(
      d.examples.map((e) => [e.weak, e.strong]),
      [
        [1, 1],
        [0, 1],
        [1, 0.5],
      ],
    );
    assert.equal(d.examples[0]?.weakResponse, '2 + 2 = 4\n#### 4');
    assert.equal(d.examples[0]?.strongCost, 0.01);
  });

  test('reads CSV with quoted commas, quotes and newlines', async () => {
    const d = await loadGenericDataset(join(fixtures, 'tiny.csv'));
    assert.equal(d.examples[0]?.prompt, 'Say "hi"');
    assert.equal(d.examples[1]?.prompt, 'Multi\nline, with comma');
    assert.equal(d.examples[1]?.weakResponse, 'no idea');
    assert.deepEqual(parseCsv('a,b\r\n1,"x\r\ny"\r\n'), [
      ['a', 'b'],
      ['1', 'x\r\ny'],
    ]);
  });

  test('names the problem in a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-ds-'));
    const outOfRange = join(dir, 'bad.jsonl');
    await writeFile(outOfRange, '{"prompt": "x", "scores": {"a": 7, "b": 1}}\n');
    await assert.rejects(
      loadGenericDataset(outOfRange),
      (e: unknown) => e instanceof DatasetFormatError && /line 1 scores\.a: scores must be in \[0, 1\]/.test(e.message),
    );
    const three = join(dir, 'three.jsonl');
    await writeFile(three, '{"prompt": "x", "scores": {"a": 0, "b": 1, "c": 1}}\n');
    await assert.rejects(loadGenericDataset(three), /name the pair with --weak and --strong/);
    const picked = await loadGenericDataset(three, { weak: 'a', strong: 'c' });
    assert.equal(picked.strongModel, 'c');
  });
});
