/** `npm run build:dashboard`: builds dashboard/ into dashboard/dist and records the source fingerprint. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { DASHBOARD_DIR, DIST_DIR, HASH_FILE, dashboardSourceHash } from './source-hash.js';

await build({ configFile: join(DASHBOARD_DIR, 'vite.config.ts') });
writeFileSync(join(DIST_DIR, HASH_FILE), `${dashboardSourceHash()}\n`);
console.log(`dashboard built into ${DIST_DIR}`);
