/** Opens the store a config names for the governance commands (`keys`, `audit`, `purge`). */
import type { TandemConfig } from '../config/schema.js';
import type { Store } from '../store/request-log.js';
import { CommandFailure } from './cli-deps.js';
import { loadSetup } from './open-gateway.js';

export async function openGovernedStore(configPath: string | undefined): Promise<{ store: Store; config: TandemConfig }> {
  const setup = await loadSetup(configPath);
  if (setup.config.store.type === 'memory') {
    throw new CommandFailure(
      'the config sets `store: {type: memory}`: keys and audit records live only inside the running gateway; ' +
        'use the admin API (docs/security.md) or a sqlite/postgres store',
    );
  }
  try {
    const { openStore } = await import('../store/open-store.js');
    return { store: await openStore(setup.config.store, setup.baseDir), config: setup.config };
  } catch (error) {
    throw new CommandFailure(`cannot open the store: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
