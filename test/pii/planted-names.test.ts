/**
 * The multilingual planted-name set (planted-names.ts) against the shipped name model: the set is
 * deterministic and built from names the train part of the lists (what the model was trained with) does not
 * hold, recall stays at what docs/privacy.md reports with the shipped lists and with the train part alone
 * ("names no list holds"; a floor a little under each, so a regression fails and noise does not), and a JSON
 * key is a cue.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AMBIGUOUS_NAMES, GIVEN_NAMES, SURNAMES } from '../../src/privacy/data/name-lists.js';
import { detectPii } from '../../src/privacy/detect-pii.js';
import { detectPiiInRequest } from '../../src/privacy/detect-request-pii.js';
import { useNameLists } from '../../src/privacy/names/name-lexicon.js';
import { plantedNameCases } from './planted-names.js';

const cases = plantedNameCases();

describe('planted names', () => {
  test('are deterministic and never in the train part of the lists', () => {
    assert.deepEqual(plantedNameCases().slice(0, 50), cases.slice(0, 50));
    const train = new Set([...GIVEN_NAMES.split(' '), ...SURNAMES.split(' '), ...AMBIGUOUS_NAMES.split(' ')]);
    for (const c of cases) {
      for (const [a, b] of c.names) {
        const name = c.text.slice(a, b).toLowerCase();
        if (!/\s/.test(name)) assert.ok(!train.has(name), `${name} (${c.locale}) is in the train part of the lists`);
      }
    }
  });

  const measure = (lists: 'all' | 'train'): { recall: number; flagged: number; gold: number; negatives: number } => {
    const previous = useNameLists(lists);
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
    useNameLists(previous);
    return { recall: found / gold, flagged: flagged / negatives, gold, negatives };
  };

  test('recall and false alarms stay where docs/privacy.md puts them, with the shipped lists', () => {
    const m = measure('all');
    assert.ok(m.recall >= 0.96, `recall ${m.recall} of ${m.gold}`);
    assert.ok(m.flagged <= 0.3, `negatives flagged ${m.flagged} of ${m.negatives}`);
  });

  test('recall and false alarms stay where docs/privacy.md puts them, for names no list holds', () => {
    const m = measure('train');
    assert.ok(m.recall >= 0.8, `recall ${m.recall} of ${m.gold}`);
    assert.ok(m.flagged <= 0.3, `negatives flagged ${m.flagged} of ${m.negatives}`);
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
