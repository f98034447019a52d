import { runLimitStoreContract } from './limit-store.contract.js';
import { createMemoryLimitStore } from './memory-limit-store.js';

runLimitStoreContract('memory', async () => createMemoryLimitStore());
