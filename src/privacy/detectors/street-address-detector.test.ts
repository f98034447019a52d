import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPOUND_ANCHOR, detectStreetAddresses, hasCompoundEndingBeforeNumber } from './street-address-detector.js';
import { seededRandom } from '../../testing/seeded-random.js';

const found = (text: string): string[] => detectStreetAddresses(text).map((f) => text.slice(f.start, f.end));

test('compound street names are found as before the pre-check (findings taken from the build without it)', () => {
  assert.deepEqual(found('Ich wohne in der Pohlstrasse 9 in Berlin.'), ['in der Pohlstrasse 9']);
  assert.deepEqual(found('Lieferung an Hauptstr.  17b bitte'), ['Lieferung an Hauptstr.  17b']);
  assert.deepEqual(found('RINGVEJ 144'), ['RINGVEJ 144']);
  assert.deepEqual(found('bor på storgatan 12'), ['bor på storgatan 12']);
});

test('the pre-check passes every text the compound anchor matches (20,000 generated texts)', () => {
  const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const lead = ['', 'Ich wohne in der ', 'bor på ', 'x', '12 ', 'grew by ', 'a\n', '.'];
  const stems = ['', 'Pohl', 'Haupt', "O'", 'é', 'by', 'x-', 'Ring', 'Stor'];
  const endings = ['strasse', 'straße', 'str', 'vej', 'gatan', 'allé', 'tér', 'út', 'chaussee', 'ring', 'tie', 'stras', 'gat', 'vejj', 'percent', 'ſtr', 'STRASSE'];
  const periods = ['', '.', '..'];
  const gaps = ['', ' ', '  ', '\n', ' \n', '\t', '   '];
  const numbers = ['9', '12', '144b', '', 'x', '123456'];
  const tails = ['', ' in Berlin', ',', '9', 'b2', '.'];
  const next = seededRandom(0x9e3779b9);
  let matched = 0;
  for (let i = 0; i < 20_000; i++) {
    let address = pick(next, stems) + pick(next, endings);
    const casing = next();
    if (casing < 0.2) address = address.toUpperCase();
    else if (casing < 0.4) address = address.toLowerCase();
    const text = pick(next, lead) + address + pick(next, periods) + pick(next, gaps) + pick(next, numbers) + pick(next, tails);
    COMPOUND_ANCHOR.lastIndex = 0;
    if (!COMPOUND_ANCHOR.test(text)) continue;
    matched++;
    assert.ok(hasCompoundEndingBeforeNumber(text), JSON.stringify(text));
  }
  assert.ok(matched > 1_000, `only ${matched} generated texts held a compound address`);
});
