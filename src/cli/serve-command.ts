/** `tandem serve`: start the gateway; with no tandem.yaml, serve the built-in local model and say what to add. */
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { authIsOff, isLoopback } from '../api/authenticate.js';
import { startServer } from '../api/server.js';
import { loadSetup, openGateway, type LoadedSetup } from './open-gateway.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the gateway')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml, else the built-in local model)')
    .option('-p, --port <port>', 'port to listen on (overrides server.port)', parsePort)
    .option('--host <host>', 'address to listen on (overrides server.host)')
    .action(async (options: { config?: string; port?: number; host?: string }) => {
      const setup = await loadSetup(options.config);
      applyHeapSetting(setup.config.server.heap);
      for (const line of startupNotes(setup, process.env)) console.log(line);
      // A database that is not up yet (restart, failover, started after us) is waited for, not a crash loop.
      const gateway = await openGateway(setup, { waitForDatabase: true });
      const listenOptions: { host?: string; port?: number } = {};
      if (options.host !== undefined) listenOptions.host = options.host;
      if (options.port !== undefined) listenOptions.port = options.port;
      const server = await startServer(gateway, listenOptions);
      const routes = [...gateway.routes.keys()];
      console.log(`tandem listening on ${server.url}  (OpenAI base URL: ${server.url}/v1)`);
      console.log(`routes: ${routes.join(', ') || '(none)'}; models: ${[...gateway.models.keys()].join(', ')}`);
      const host = listenOptions.host ?? setup.config.server.host;
      if (authIsOff({ auth: setup.config.server.auth, loopback: isLoopback(host), hasKeys: gateway.governance?.keys.hasKeys ?? false })) {
        console.log(
          setup.config.server.auth === 'none'
            ? 'authentication is off (server.auth: none): any client that can reach this address may use it'
            : 'authentication is off (no API keys yet, loopback only); `tandem keys create` turns it on (docs/security.md)',
        );
      }
      if (server.metricsUrl) console.log(`Prometheus metrics on ${server.metricsUrl}`);
      const deadlineMs = setup.config.server.drain_timeout_ms;
      let stopping = false;
      const stop = (signal: string): void => {
        // A second signal (Ctrl-C twice) means "now": exit without waiting for streams.
        if (stopping) {
          console.log(`${signal} again: exiting without waiting`);
          process.exit(1);
        }
        stopping = true;
        console.log(`${signal}: not accepting connections; finishing in-flight requests (up to ${deadlineMs} ms), then exiting`);
        server.close({ deadlineMs }).then(
          () => {
            console.log('drained and flushed the request log; exiting');
            process.exit(0);
          },
          (error: unknown) => {
            console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

/**
 * `server.heap`, applied as V8 flags at run time so it holds however Tandem was launched (bin, npm start, a
 * container's CMD). Only flags V8 reads while the heap grows work this way; the young generation's maximum
 * (--max-semi-space-size) is fixed at start-up and belongs on the node command line. Figures and the
 * throughput trade-off: docs/benchmarks.md.
 */
const HEAP_FLAGS: Record<'compact' | 'smallest' | 'default', readonly string[]> = {
  compact: ['--heap-growing-percent=15'],
  smallest: ['--heap-growing-percent=15', '--optimize-for-size'],
  default: [],
};

function applyHeapSetting(heap: keyof typeof HEAP_FLAGS): void {
  for (const flag of HEAP_FLAGS[heap]) setFlagsFromString(flag);
}

/** What is missing and how to add it, printed at start-up. */
export function startupNotes(setup: LoadedSetup, env: Record<string, string | undefined>): string[] {
  const notes = setup.warnings.map((w) => `warning: ${w}`);
  if (setup.source !== 'built-in') return [`config: ${setup.source}`, ...notes];
  notes.push('No tandem.yaml in this directory: serving the built-in local route "tandem/auto" with the shipped');
  notes.push('demo model stories-260k (a 260K-parameter TinyStories model: it writes short stories, nothing more).');
  if (!env.OPENAI_API_KEY && !env.ANTHROPIC_API_KEY) {
    notes.push('No cloud model: neither OPENAI_API_KEY nor ANTHROPIC_API_KEY is set.');
    notes.push('  To add one:  export OPENAI_API_KEY=sk-...   (or ANTHROPIC_API_KEY=...)');
  } else {
    notes.push(`Found ${[env.OPENAI_API_KEY ? 'OPENAI_API_KEY' : '', env.ANTHROPIC_API_KEY ? 'ANTHROPIC_API_KEY' : ''].filter(Boolean).join(' and ')} in the environment.`);
  }
  notes.push('To use a local server (Ollama, llama.cpp, vLLM, LM Studio), start it first.');
  notes.push('Then run `npx tandem init` to write a tandem.yaml with what it detects, and restart.');
  return notes;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${value}`);
  return port;
}
