/**
 * The dashboard's build: Preact through esbuild's automatic JSX runtime (no Babel preset needed),
 * served by Tandem under /dashboard/. The output is committed (docs/decisions/dashboard-build.md).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; a source map would double what the package ships for little use.
    sourcemap: false,
    reportCompressedSize: false,
  },
});
