/** The built dashboard (dashboard/dist, committed; see docs/decisions/dashboard-build.md) at /dashboard. */
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/builtin-config.js';
import { staticFiles } from './static-files.js';

export const DASHBOARD_DIST = join(PACKAGE_ROOT, 'dashboard', 'dist');

export const dashboardFiles = staticFiles({
  prefix: '/dashboard',
  root: DASHBOARD_DIST,
  missingHint: 'The dashboard is not built: run `npm run build:dashboard`.',
});
