/** `tandem keys create|list|revoke`: API keys with permissions, expiry and limits; the secret is shown once. */
import { InvalidArgumentError, type Command } from 'commander';
import type { KeyView } from '../governance/key-admin.js';
import { CommandFailure, reportCommandFailure, type CliDeps } from './cli-deps.js';
import { formatTable } from './format-table.js';
import { openGovernedStore } from './keys-command-store.js';
import { isLoopback } from '../api/authenticate.js';
import type { TandemConfig } from '../config/schema.js';

interface CreateOptions {
  config?: string;
  name: string;
  routes?: string[];
  models?: string[];
  scope?: 'all' | 'routes';
  expires?: string;
  rpm?: number;
  tpm?: number;
  spendDay?: number;
  spendMonth?: number;
  json?: boolean;
}

export function registerKeysCommand(program: Command, deps: CliDeps): void {
  const keys = program.command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .description('create an API key and print its secret (shown only this once)')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--routes <globs>', 'routes the key may call, comma-separated; * and ? match (default: all)', parseList)
    .option('--models <globs>', 'models the key may reach, directly or through a route, comma-separated (default: all)', parseList)
    .option(
      '--scope <scope>',
      'what `model` may name: `routes` (routes only; a model named directly gets 403) or `all`; default: routes when --routes is given without --models, else all',
      parseScope,
    )
    .option('--expires <when>', 'expiry: a duration from now (30d, 12h) or an ISO date/time')
    .option('--rpm <n>', 'requests per minute', parseNumber)
    .option('--tpm <n>', 'tokens per minute', parseNumber)
    .option('--spend-day <amount>', "spend per UTC day, in the config's currency", parseNumber)
    .option('--spend-month <amount>', 'spend per UTC month', parseNumber)
    .option('--json', 'print JSON')
    .action(async (options: CreateOptions) => {
      try {
        await runCreate(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'keys create', error);
      }
    });
  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--json', 'print JSON')
    .action(async (options: { config?: string; json?: boolean }) => {
      try {
        await runList(deps, options);
      } catch (error) {
        reportCommandFailure(deps, 'keys list', error);
      }
    });
  keys
    .command('revoke <id>')
    .description('revoke an API key; a running gateway refuses it within seconds')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .action(async (id: string, options: { config?: string }) => {
      try {
        await runRevoke(deps, id, options);
      } catch (error) {
        reportCommandFailure(deps, 'keys revoke', error);
      }
    });
}

async function runCreate(deps: CliDeps, options: CreateOptions): Promise<void> {
  const [{ store, config }, { createApiKey }, { ZodError }] = await Promise.all([
    openGovernedStore(options.config),
    import('../governance/key-admin.js'),
    import('zod'),
  ]);
  try {
    const now = Date.now();
    const hadKeys = config.server.api_keys.length > 0 || (await store.keys.list()).length > 0;
    const limits: Record<string, number> = {};
    if (options.rpm !== undefined) limits.requests_per_minute = options.rpm;
    if (options.tpm !== undefined) limits.tokens_per_minute = options.tpm;
    if (options.spendDay !== undefined) limits.spend_per_day = options.spendDay;
    if (options.spendMonth !== undefined) limits.spend_per_month = options.spendMonth;
    const input: Record<string, unknown> = { name: options.name, limits };
    if (options.routes) input.routes = options.routes;
    if (options.models) input.models = options.models;
    if (options.scope) input.scope = options.scope;
    if (options.expires !== undefined) input.expires_at = parseExpiry(options.expires, now);
    let created: { key: KeyView; secret: string };
    try {
      created = await createApiKey(store.keys, input, now);
    } catch (error) {
      if (error instanceof ZodError) throw new CommandFailure(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      throw error;
    }
    const authNote = authenticationNote({ server: config.server, hadKeys });
    if (options.json) {
      deps.stdout(`${JSON.stringify(created, null, 2)}\n`);
      deps.stderr(`${authNote}\n`);
      return;
    }
    deps.stdout(`created ${created.key.id} (${created.key.name})\n`);
    if (created.key.scope === 'routes') deps.stdout(`scope: routes only (${created.key.routes.join(', ')}); models named directly are refused\n`);
    deps.stdout(`secret: ${created.secret}\n`);
    deps.stdout('store the secret now: it is not kept and cannot be shown again. Send it as "Authorization: Bearer <secret>".\n');
    deps.stdout(`${authNote}\n`);
  } finally {
    await store.close();
  }
}

async function runList(deps: CliDeps, options: { config?: string; json?: boolean }): Promise<void> {
  const [{ store }, { keyView }] = await Promise.all([openGovernedStore(options.config), import('../governance/key-admin.js')]);
  try {
    const now = Date.now();
    const views = (await store.keys.list()).map((k) => keyView(k, now));
    if (options.json) {
      deps.stdout(`${JSON.stringify(views, null, 2)}\n`);
      return;
    }
    if (views.length === 0) {
      deps.stdout('no API keys yet; create one with `tandem keys create --name <name>`\n');
      return;
    }
    const limitsText = (l: KeyView['limits']): string =>
      Object.entries(l)
        .map(([k, v]) => `${k.replace(/_/g, ' ').replace('requests per minute', 'rpm').replace('tokens per minute', 'tpm')} ${v}`)
        .join(', ') || '-';
    deps.stdout(
      `${formatTable({
        columns: [
          { header: 'id' },
          { header: 'name' },
          { header: 'prefix' },
          { header: 'status' },
          { header: 'scope' },
          { header: 'routes' },
          { header: 'models' },
          { header: 'limits' },
          { header: 'expires' },
        ],
        rows: views.map((v) => [
          v.id,
          v.name,
          `${v.prefix}…`,
          v.status,
          v.scope,
          v.routes.join(','),
          v.models.join(','),
          limitsText(v.limits),
          v.expires_at ?? 'never',
        ]),
      })}\n`,
    );
  } finally {
    await store.close();
  }
}

async function runRevoke(deps: CliDeps, id: string, options: { config?: string }): Promise<void> {
  const [{ store }, { revokeApiKey }] = await Promise.all([openGovernedStore(options.config), import('../governance/key-admin.js')]);
  try {
    const key = await revokeApiKey(store.keys, id, Date.now());
    if (key === undefined) throw new CommandFailure(`no API key ${id}; \`tandem keys list\` shows the ids`);
    deps.stdout(`revoked ${key.id} (${key.name}) at ${key.revoked_at ?? ''}\n`);
  } finally {
    await store.close();
  }
}

function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list.');
  return items;
}

function parseScope(value: string): 'all' | 'routes' {
  if (value === 'all' || value === 'routes') return value;
  throw new InvalidArgumentError('expected `routes` or `all`.');
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number.');
  return n;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d` → now + 30 days; anything else is passed on as an ISO date for the key schema to check. */
export function parseExpiry(value: string, now: number): number | string {
  const relative = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(value.trim());
  if (relative !== null) return Math.round(now + Number(relative[1]) * (UNIT_MS[relative[2] ?? ''] ?? Number.NaN));
  return value.trim();
}

/**
 * What the new key does to a gateway using this store: the first key turns authentication on for a
 * loopback gateway that was open (a running one notices within seconds), which its users must hear of.
 */
export function authenticationNote(options: { server: Pick<TandemConfig['server'], 'auth' | 'host'>; hadKeys: boolean }): string {
  const { server, hadKeys } = options;
  if (server.auth === 'none') return 'authentication stays off (server.auth: none): the key is stored, but no request needs one';
  if (server.auth === undefined && isLoopback(server.host) && !hadKeys) {
    return 'authentication is now ON: this was the first key, so a running gateway (it checks every few seconds) and every restart now refuse API requests without a valid key (401)';
  }
  return 'authentication was already on; a running gateway accepts this key within seconds';
}
