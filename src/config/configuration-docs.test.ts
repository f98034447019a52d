/**
 * The examples in docs/configuration.md are real: every ```yaml block must load, and every
 * ```yaml invalid block must fail with exactly the errors shown in the ```text block after it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ConfigError } from './config-error.js';
import { parseConfigText } from './load-config.js';

interface Block {
  info: string;
  body: string;
  line: number;
}

const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] ?? '');
    blocks.push({ info: (open[1] ?? '').trim(), body: `${body.join('\n')}\n`, line: start + 1 });
  }
  return blocks;
}

const blocks = fencedBlocks(docs);

describe('docs/configuration.md examples', () => {
  test('has the examples this test is meant to check', () => {
    assert.ok(blocks.filter((b) => b.info === 'yaml').length >= 3);
    assert.ok(blocks.some((b) => b.info === 'yaml invalid'));
  });

  for (const [index, block] of blocks.entries()) {
    if (block.info === 'yaml') {
      test(`the yaml example at line ${block.line} loads`, () => {
        try {
          parseConfigText(block.body, { env: {}, source: 'tandem.yaml' });
        } catch (error) {
          assert.fail(error instanceof ConfigError ? error.format() : String(error));
        }
      });
    }
    if (block.info === 'yaml invalid') {
      test(`the invalid example at line ${block.line} fails with the errors the docs show`, () => {
        const shown = blocks[index + 1];
        assert.equal(shown?.info, 'text', 'an invalid example must be followed by a ```text block with its errors');
        assert.throws(
          () => parseConfigText(block.body, { env: {}, source: 'tandem.yaml' }),
          (error: unknown) => error instanceof ConfigError && `${error.format()}\n` === shown.body,
        );
      });
    }
  }
});
