#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`; published packages ship it). In a source checkout
// that was never built it falls back to the TypeScript sources through tsx's loader, which costs ~70 MB of
// memory and start-up time: see docs/decisions/gateway-hot-path-performance.md.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
