import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable, truncate } from './format-table.js';

test('columns are padded to the widest cell and numbers right-aligned', () => {
  const table = formatTable({
    columns: [{ header: 'model' }, { header: 'requests', align: 'right' }, { header: 'cost', align: 'right' }],
    rows: [
      ['qwen-small', '7', '0.000000'],
      ['gpt-large', '1200', '12.500000'],
    ],
    footer: [['total', '1207', '12.500000']],
  });
  assert.equal(
    table,
    [
      'model       requests       cost',
      '----------  --------  ---------',
      'qwen-small         7   0.000000',
      'gpt-large       1200  12.500000',
      '----------  --------  ---------',
      'total           1207  12.500000',
    ].join('\n'),
  );
});

test('trailing spaces are trimmed and multi-byte characters count as one column', () => {
  const table = formatTable({
    columns: [{ header: 'a' }, { header: 'reason' }],
    rows: [
      ['…✓', ''],
      ['x', 'y'],
    ],
  });
  assert.deepEqual(table.split('\n'), ['a   reason', '--  ------', '…✓', 'x   y']);
});

test('truncate keeps short text and cuts long text with an ellipsis', () => {
  assert.equal(truncate('short', 10), 'short');
  assert.equal(truncate('abcdefghij', 5), 'abcd…');
  assert.equal([...truncate('ééééééé', 4)].length, 4);
});
