/** Starts a real Tandem server on a loopback port with a config object, and an official OpenAI client for it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startServer, type TandemServer } from '../../src/api/server.js';
import { PACKAGE_ROOT } from '../../src/config/builtin-config.js';
import { configSchema, type TandemConfigInput } from '../../src/config/schema.js';
import { Gateway } from '../../src/gateway/gateway.js';
import type { AnswerVerifier } from '../../src/routing/execute-plan.js';
import { openStore } from '../../src/store/open-store.js';

export interface Harness {
  url: string;
  client: OpenAI;
  gateway: Gateway;
  server: TandemServer;
  close(): Promise<void>;
}

export async function startGateway(input: TandemConfigInput, options: { apiKey?: string; verifier?: AnswerVerifier } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-test-'));
  const config = configSchema.parse({ store: { type: 'sqlite', path: join(dir, 'tandem.db') }, ...input });
  const store = await openStore(config.store, dir);
  const gatewayOptions: Parameters<typeof Gateway.create>[0] = { config, baseDir: PACKAGE_ROOT, store };
  if (options.verifier) gatewayOptions.verifier = options.verifier;
  const gateway = await Gateway.create(gatewayOptions);
  const server = await startServer(gateway, { host: '127.0.0.1', port: 0 });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: options.apiKey ?? 'unused', maxRetries: 0 });
  return {
    url: server.url,
    client,
    gateway,
    server,
    async close() {
      await server.close({ deadlineMs: 1_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cloud and a local OpenAI-compatible model on two fake upstreams, behind `tandem/auto`. */
export function twoModelConfig(cloudUrl: string, localUrl: string, overrides: Partial<TandemConfigInput> = {}): TandemConfigInput {
  return {
    models: {
      small: {
        provider: 'openai-compatible',
        base_url: `${localUrl}/v1`,
        model: 'llama-3.2-1b',
        locality: 'local',
        context_window: 4096,
        pricing: { input_per_1m: 0.01, output_per_1m: 0.02 },
        capabilities: { tools: false, json: true },
        timeout_ms: 2_000,
      },
      large: {
        provider: 'openai-compatible',
        base_url: `${cloudUrl}/v1`,
        model: 'gpt-4o',
        api_key: 'sk-test',
        locality: 'cloud',
        context_window: 128_000,
        pricing: { input_per_1m: 2.5, output_per_1m: 10 },
        capabilities: { tools: true, json: true, vision: true },
        timeout_ms: 2_000,
      },
    },
    routes: {
      'tandem/auto': {
        models: ['small', 'large'],
        policies: [{ type: 'privacy' }, { type: 'context-fit' }, { type: 'capability' }],
        router: { type: 'scored', small: 'small', large: 'large', threshold: 0.5 },
        retry: { max_attempts: 2, initial_backoff_ms: 5, max_backoff_ms: 50 },
      },
    },
    ...overrides,
  };
}
