/**
 * `npx tsx bench/canonical-json.ts`: the audit chain's canonical JSON of one request's record (the text
 * it hashes), written key by key against sorted-then-JSON.stringify (src/governance/canonical-json.ts),
 * alternated 3 times, 200,000 records each. The entry is built by auditEntryFor, as the gateway builds it.
 */
import { auditEntryFor } from '../src/governance/audit-entry.js';
import { canonicalJson, canonicalJsonByKey } from '../src/governance/canonical-json.js';
import { makeRecord } from '../src/store/request-log.contract.js';

const N = 200_000;
const entry = auditEntryFor(makeRecord({ id: '019aa1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', requestBody: '{}', responseBody: '{}' }), 'user-1');
const record = { checkpoint: null, entry, kind: 'request', prevHash: 'b'.repeat(64), recordedAt: Date.now(), replicaId: 'replica-a', seq: 42 };
const writers = [
  ['key by key', canonicalJsonByKey],
  ['sorted + JSON.stringify', canonicalJson],
] as const;
for (let round = 1; round <= 3; round++) {
  for (const [name, write] of writers) {
    let length = 0;
    const started = performance.now();
    for (let i = 0; i < N; i++) length += write(record).length;
    console.log(`round ${round}  ${name.padEnd(24)} ${(((performance.now() - started) * 1000) / N).toFixed(2)} µs per record (${length / N} chars)`);
  }
}
