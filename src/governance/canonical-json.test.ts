import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashAuditRecord } from './audit-chain.js';
import { auditEntryFor } from './audit-entry.js';
import { canonicalJson, canonicalJsonByKey } from './canonical-json.js';
import type { AuditRecord } from '../store/audit-log.js';
import { makeRecord } from '../store/request-log.contract.js';
import { seededRandom } from '../testing/seeded-random.js';

test('a stored chain still verifies: the hash of a fixed record is the one the key-by-key writer gave', () => {
  // Computed before canonicalJson went through JSON.stringify; a changed text would break every chain on disk.
  const record: Omit<AuditRecord, 'hash'> = {
    replicaId: 'replica-a',
    seq: 42,
    recordedAt: 1_763_900_000_123,
    kind: 'request',
    entry: {
      requestId: '019aa1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
      time: 1_763_900_000_100,
      keyId: 'key_7',
      user: 'ü-user "q"',
      route: 'tandem/auto',
      requestedModel: 'tandem/auto',
      model: 'small',
      status: 200,
      refusals: [{ model: 'large', reasons: ['privacy: cloud model, request is sensitive', 'budget: over'] }],
      reason: 'score 0.31 < 0.5 -> small',
      privacy: { action: 'restrict', findings: { PHONE: 1, EMAIL: 2, '10': 1, '9': 3 } } as never,
      requestSha256: 'a'.repeat(64),
      responseSha256: null,
    },
    checkpoint: null,
    prevHash: 'b'.repeat(64),
  };
  assert.equal(hashAuditRecord(record), '7bca0659e2245708938aac1bc8ef7ffa580731f3da50852929b0a25839addefd');
  // The same record without the integer-like keys takes the JSON.stringify path; still the definition's text.
  const entry = record.entry!;
  const plain = { ...record, entry: { ...entry, privacy: { action: 'restrict', findings: { PHONE: 1, EMAIL: 2 } } as never } };
  assert.equal(canonicalJson(plain), canonicalJsonByKey(plain));
});

const KEYS = ['a', 'b', 'B', 'Z', '_', 'é', 'aa', 'ab', 'requestId', 'requestSha256', 'requestedModel', '', '0', '7', '10', '01', '1e3', '-1', '😀'];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.35) {
    const primitives: unknown[] = [null, true, false, 0, -0, 1.5, 1e21, -7, NaN, 'text', 'quote " and \\ and \n', 'ü😀', undefined];
    return primitives[Math.floor(next() * primitives.length)];
  }
  if (r < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  const count = Math.floor(next() * 6);
  for (let i = 0; i < count; i++) object[KEYS[Math.floor(next() * KEYS.length)]!] = randomValue(next, depth + 1);
  return object;
}

test('gives the key-by-key definition text for 5,000 generated values (unsorted keys, integer-like keys, undefined, unicode)', () => {
  const next = seededRandom(0x2545f491);
  for (let i = 0; i < 5_000; i++) {
    const value = randomValue(next, 0);
    assert.equal(canonicalJson(value), canonicalJsonByKey(value), JSON.stringify(value));
  }
  assert.equal(canonicalJson(undefined), 'null');
});

test('an audit entry is built in sorted key order, so hashing it copies nothing', () => {
  const entry = auditEntryFor(makeRecord({ id: 'r1', requestBody: '{}', responseBody: '{}' }), 'u1');
  const keys = Object.keys(entry);
  assert.deepEqual(keys, [...keys].sort());
  assert.equal(canonicalJson(entry), JSON.stringify(entry));
});
