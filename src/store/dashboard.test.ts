import { createMemoryStore } from './memory/memory-store.js';
import { runDashboardContract } from './dashboard.contract.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

runDashboardContract('sqlite :memory:', ({ logBodies }) => openSqliteStore({ path: ':memory:', logBodies }));
runDashboardContract('memory', async ({ logBodies }) => createMemoryStore({ logBodies }));
