import { runLimitStoreContract } from './limit-store.contract.js';
import type { LimitStore } from './limit-store.js';
import { createMemoryLimitStore } from './memory-limit-store.js';

runLimitStoreContract(
  'memory',
  async () => createMemoryLimitStore(),
  async (history) => {
    // A restart of a single node: a new store, with the same request log behind it.
    let store: LimitStore = createMemoryLimitStore({ history });
    return {
      store: () => store,
      async restart() {
        await store.close();
        store = createMemoryLimitStore({ history });
      },
      close: () => store.close(),
    };
  },
);
