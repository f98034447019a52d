/**
 * A fingerprint of everything the built dashboard depends on: its sources and config, and the versions
 * of the bundler and UI library. The build writes it to dist/; a test recomputes it and fails when the
 * committed build is stale (docs/decisions/dashboard-build.md).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(DASHBOARD_DIR, 'dist');
export const HASH_FILE = 'source-hash.txt';
const PACKAGE_ROOT = join(DASHBOARD_DIR, '..');
const BUILD_PACKAGES = ['vite', 'preact'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    // scripts/ (this build tooling, the screenshot script) does not shape the bundle.
    if (['dist', 'node_modules', 'scripts'].includes(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

export function dashboardSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of files(DASHBOARD_DIR).sort()) {
    // Normalised line endings: a checkout with CRLF is not a different source.
    hash.update(`${relative(DASHBOARD_DIR, file).split('\\').join('/')}\0${readFileSync(file, 'utf8').replace(/\r\n/g, '\n')}\0`);
  }
  for (const name of BUILD_PACKAGES) {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    hash.update(`${name}@${version}\0`);
  }
  return hash.digest('hex');
}
