/**
 * The built dashboard is committed (docs/decisions/dashboard-build.md), so it must match its sources:
 * this fails when dashboard/ changed without `npm run build:dashboard`. Recomputing a fingerprint takes
 * milliseconds; rebuilding here would take most of a minute on a loaded machine.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST_DIR, HASH_FILE, dashboardSourceHash } from '../dashboard/scripts/source-hash.js';

test('the committed dashboard build is up to date with dashboard/ (else run npm run build:dashboard)', () => {
  const recorded = join(DIST_DIR, HASH_FILE);
  assert.ok(existsSync(recorded), `${recorded} is missing: run npm run build:dashboard and commit dashboard/dist`);
  assert.equal(readFileSync(recorded, 'utf8').trim(), dashboardSourceHash(), 'dashboard/dist is stale: run npm run build:dashboard and commit dashboard/dist');
});

test('the build references only its own files, so it works offline', () => {
  const html = readFileSync(join(DIST_DIR, 'index.html'), 'utf8');
  const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
  assert.ok(
    references.some((r) => r.endsWith('.js')),
    html,
  );
  for (const reference of references) {
    if (reference.startsWith('data:')) continue;
    assert.match(reference, /^\/dashboard\/assets\/[\w.-]+$/, `${reference} is not a local asset`);
    assert.ok(existsSync(join(DIST_DIR, reference.slice('/dashboard/'.length))), `${reference} is not in dashboard/dist`);
  }
});
