import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectIpAddresses } from './ip-address-detector.js';

const found = (text: string): string[] => detectIpAddresses(text).map((f) => text.slice(f.start, f.end));

test('IPv6 and IPv4 addresses with the punctuation around them', () => {
  assert.deepEqual(found('The login came from 2001:db8:a39f:e908::bd2.'), ['2001:db8:a39f:e908::bd2']);
  assert.deepEqual(found('peer 6b58:f060:68f:7f20:fde2:a5cf:2db9:da10.) next'), ['6b58:f060:68f:7f20:fde2:a5cf:2db9:da10']);
  // The embedded IPv4 is found too; resolveOverlaps keeps the longer span.
  assert.deepEqual(found('from ::ffff:29.42.62.53.!'), ['29.42.62.53', '::ffff:29.42.62.53']);
  assert.deepEqual(found('http://[2a00:1450:4001::8e]:8080/'), ['2a00:1450:4001::8e']);
  assert.deepEqual(found('neighbour fe80::1:2:3:4: gone'), ['fe80::1:2:3:4']);
  assert.deepEqual(found('curl http://203.0.113.9/admin, or 10.1.2.3:8080.'), ['203.0.113.9', '10.1.2.3']);
});

test('times and ratios are not addresses', () => {
  assert.deepEqual(found('at 10:30:00, ratio 3:4, build 1:2:3.'), []);
});
