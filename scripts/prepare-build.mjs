#!/usr/bin/env node
// npm's `prepare` (runs on `npm install` / `npm ci` in a clone, `npm link`, installs from git, and `npm pack`):
// compiles src/ to dist/ so bin/tandem.js starts from JavaScript, not through tsx
// (docs/decisions/cli-distribution.md). It does nothing where there is nothing to build: a package installed
// from the registry ships dist/ and no src/, and the Docker image installs its dependencies before copying
// src/. Without TypeScript (a production-only install) it says so and leaves bin/tandem.js on the sources.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}/src/cli/main.ts`) || !existsSync(`${root}/tsconfig.build.json`)) process.exit(0);
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.log('tandem: TypeScript is not installed (a production install): dist/ not built; `tandem` runs the sources through tsx');
  process.exit(0);
}
const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (built.status === 0) process.exit(0);
// tsc still writes JavaScript when it reports type errors; `npm run typecheck` (and CI) is where those fail.
// An install fails only when there is nothing to run.
if (existsSync(`${root}/dist/cli/main.js`)) {
  console.warn('tandem: the build reported type errors (above); dist/ was written anyway. `npm run typecheck` shows them.');
  process.exit(0);
}
process.exit(built.status ?? 1);
