/** Runs the key and audit contracts against every backend this build has (PostgreSQL adds itself here). */
import { createMemoryStore } from './memory/memory-store.js';
import { runAuditLogContract } from './audit-log.contract.js';
import { runApiKeyStoreContract } from './keys.contract.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

const openSqlite = () => openSqliteStore({ path: ':memory:', logBodies: false });
const openMemory = async () => createMemoryStore();

runApiKeyStoreContract('sqlite', openSqlite);
runApiKeyStoreContract('memory', openMemory);
runAuditLogContract('sqlite', openSqlite);
runAuditLogContract('memory', openMemory);
