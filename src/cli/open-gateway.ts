/**
 * Loads a config (or the built-in one when the default file is absent) and builds a Gateway with its store.
 * Shared by `serve` and `route --explain`.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { builtinConfig, PACKAGE_ROOT } from '../config/builtin-config.js';
import { loadConfig } from '../config/load-config.js';
import type { TandemConfig } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';

export const DEFAULT_CONFIG_FILE = 'tandem.yaml';

export interface LoadedSetup {
  config: TandemConfig;
  baseDir: string;
  /** Where the config came from: a file path, or 'built-in'. */
  source: string;
  warnings: string[];
}

/** An explicit --config must exist; the default tandem.yaml falls back to the built-in config. */
export async function loadSetup(configPath: string | undefined, cwd = process.cwd()): Promise<LoadedSetup> {
  const path = resolve(cwd, configPath ?? DEFAULT_CONFIG_FILE);
  if (configPath === undefined && !existsSync(path)) {
    const config = builtinConfig();
    config.store = { type: 'sqlite', path: resolve(cwd, '.tandem/tandem.db'), log_bodies: true };
    return { config, baseDir: PACKAGE_ROOT, source: 'built-in', warnings: [] };
  }
  const loaded = await loadConfig(path);
  return { config: loaded.config, baseDir: loaded.baseDir ?? dirname(path), source: path, warnings: loaded.warnings };
}

export async function openGateway(setup: LoadedSetup, options: { store?: boolean; waitForDatabase?: boolean } = {}): Promise<Gateway> {
  // Imported here: the commands that only read the config or the store (keys, audit, purge) share this
  // file's loadSetup and must not load the whole gateway to start.
  const [{ Gateway }, { openStore }] = await Promise.all([import('../gateway/gateway.js'), import('../store/open-store.js')]);
  const store = await openStore(options.store === false ? { type: 'memory', log_bodies: false, max_requests: 1 } : setup.config.store, setup.baseDir, {
    waitForDatabase: options.waitForDatabase === true,
  });
  return Gateway.create({ config: setup.config, baseDir: setup.baseDir, store });
}
