/**
 * The multilingual planted-name set (planted-names.ts) against the shipped name model: the set is
 * deterministic and built from names the shipped lists do not hold, recall stays at what docs/privacy.md
 * reports (a floor a little under it, so a regression fails and noise does not), and a JSON key is a cue.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GIVEN_NAMES, SURNAMES } from '../../src/privacy/data/name-lists.js';
import { detectPii } from '../../src/privacy/detect-pii.js';
import { detectPiiInRequest } from '../../src/privacy/detect-request-pii.js';
import { plantedNameCases } from './planted-names.js';

const cases = plantedNameCases();

describe('planted names', () => {
  test('are deterministic and never in the shipped lists', () => {
    assert.deepEqual(plantedNameCases().slice(0, 50), cases.slice(0, 50));
    const shipped = new Set([...GIVEN_NAMES.split(' '), ...SURNAMES.split(' ')]);
    for (const c of cases) {
      for (const [a, b] of c.names) {
        const name = c.text.slice(a, b).toLowerCase();
        if (!/\s/.test(name)) assert.ok(!shipped.has(name), `${name} (${c.locale}) is in the shipped lists`);
      }
    }
  });

  test('recall and false alarms stay where docs/privacy.md puts them', () => {
    let gold = 0;
    let found = 0;
    let negatives = 0;
    let flagged = 0;
    for (const c of cases) {
      const persons = detectPii(c.text, { types: ['PERSON'] });
      if (c.names.length === 0) {
        negatives++;
        if (persons.length > 0) flagged++;
        continue;
      }
      for (const [a, b] of c.names) {
        gold++;
        if (persons.some((f) => f.start < b && a < f.end)) found++;
      }
    }
    assert.ok(found / gold >= 0.75, `recall ${found}/${gold}`);
    assert.ok(flagged / negatives <= 0.3, `negatives flagged ${flagged}/${negatives}`);
  });

  test('a customer_name or full_name key is a cue for a value in any script and case', () => {
    for (const value of ['Çağla Yıldız', 'bùi thị xuân', '王小明', 'Анна Петрова', 'محمد العلي']) {
      const args = JSON.stringify({ customer_name: value, full_name: value });
      const { findings } = detectPiiInRequest({
        messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'crm', arguments: args } }] }],
      });
      assert.deepEqual(
        findings.map((f) => `${f.type}:${f.value}`),
        [`PERSON:${value}`, `PERSON:${value}`],
        value,
      );
    }
  });
});
