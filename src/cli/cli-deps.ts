/**
 * What a CLI command needs from the outside world, injected so commands run in tests without a real
 * config file or terminal; plus the steps the read commands (`logs`, `stats`) share.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { builtinConfig } from '../config/builtin-config.js';
import { ConfigError } from '../config/config-error.js';
import type { TandemConfig } from '../config/schema.js';
import { openStore, resolveStorePath } from '../store/open-store.js';
import type { Store } from '../store/request-log.js';

export interface CliDeps {
  loadConfig(path: string): Promise<{ config: TandemConfig; baseDir: string }>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** A failure whose message is already written for the user: printed as-is, exit status 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** The config `tandem serve` runs with when there is no tandem.yaml: its log lives in ./.tandem/. */
const DEFAULT_CONFIG_FILE = 'tandem.yaml';
const BUILTIN_STORE_PATH = '.tandem/tandem.db';

export interface OpenedLog {
  store: Store;
  /** The config's currency code, for labelling costs. */
  currency: string;
  /** Where the log lives, for messages. */
  location: string;
  /** The config's models (the built-in config's without a file), e.g. for their locality. */
  models: TandemConfig['models'];
}

/**
 * Loads the config and opens its request log for reading. Without --config, reads ./tandem.yaml, or,
 * when there is none, the log the built-in config of `tandem serve` writes (./.tandem/tandem.db).
 * Throws CommandFailure when there is nothing to read, rather than creating an empty database.
 */
export async function openLogForReading(deps: CliDeps, configPath: string | undefined): Promise<OpenedLog> {
  let storeConfig: TandemConfig['store'];
  let baseDir: string;
  let currency = 'USD';
  let models: TandemConfig['models'];
  if (configPath === undefined && !existsSync(resolve(DEFAULT_CONFIG_FILE))) {
    models = builtinConfig().models;
    storeConfig = { type: 'sqlite', path: BUILTIN_STORE_PATH, log_bodies: true };
    baseDir = process.cwd();
  } else {
    const loaded = await deps.loadConfig(configPath ?? DEFAULT_CONFIG_FILE);
    storeConfig = loaded.config.store;
    baseDir = loaded.baseDir;
    currency = loaded.config.currency;
    models = loaded.config.models;
  }

  if (storeConfig.type === 'memory') {
    throw new CommandFailure(
      'the config sets `store: {type: memory}`: requests are kept only inside the running gateway and are ' +
        'gone when it stops; use `store: {type: sqlite}` to keep a log these commands can read',
    );
  }
  if (storeConfig.type === 'postgres') {
    // Never print the password a URL may carry.
    const location = redactUrl(storeConfig.url);
    try {
      return { store: await openStore(storeConfig, baseDir), currency, location, models };
    } catch (error) {
      throw new CommandFailure(`cannot open the request log at ${location}: ${messageOf(error)}`, { cause: error });
    }
  }
  const path = resolveStorePath(storeConfig, baseDir) ?? storeConfig.path;
  if (path === ':memory:' || !existsSync(path)) {
    throw new CommandFailure(`no requests logged yet at ${path}; start the gateway with \`tandem serve\``);
  }
  try {
    return { store: await openStore(storeConfig, baseDir), currency, location: path, models };
  } catch (error) {
    throw new CommandFailure(`cannot open the request log at ${path}: ${messageOf(error)}`, { cause: error });
  }
}

/** Prints a command's failure on stderr and sets a non-zero exit status. */
export function reportCommandFailure(deps: CliDeps, command: string, error: unknown): void {
  if (error instanceof ConfigError) deps.stderr(`${error.format()}\n`);
  else if (error instanceof CommandFailure) deps.stderr(`tandem ${command}: ${error.message}\n`);
  else deps.stderr(`tandem ${command}: ${messageOf(error)}\n`);
  process.exitCode = 1;
}

/** A commander argument parser for positive whole numbers (e.g. --limit); commander reports the error. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(the configured PostgreSQL URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
