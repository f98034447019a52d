/** `tandem serve`: start the gateway; with no tandem.yaml, serve the built-in local model and say what to add. */
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { authIsOff, isLoopback } from '../api/authenticate.js';
import type { startServer as StartServer } from '../api/server.js';
import type { LoadedSetup } from './open-gateway.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the gateway')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml, else the built-in local model)')
    .option('-p, --port <port>', 'port to listen on (overrides server.port)', parsePort)
    .option('--host <host>', 'address to listen on (overrides server.host)')
    .action(async (options: { config?: string; port?: number; host?: string }) => {
      // Loaded here, not at the top: `tandem serve --help` (and every other command) need not load the gateway.
      const [{ startServer }, { loadSetup, openGateway }] = await Promise.all([import('../api/server.js'), import('./open-gateway.js')]);
      const setup = await loadSetup(options.config);
      applyHeapSetting(setup.config.server.heap);
      for (const line of startupNotes(setup, process.env)) console.log(line);
      // `capabilities: auto`: ask the local servers before the adapters are built from the config.
      const { applyDetectedCapabilities } = await import('../config/apply-detected-capabilities.js');
      for (const detection of await applyDetectedCapabilities(setup.config)) console.log(detection.note);
      // A database that is not up yet (restart, failover, started after us) is waited for, not a crash loop.
      const gateway = await openGateway(setup, { waitForDatabase: true });
      const listenOptions: { host?: string; port?: number } = {};
      if (options.host !== undefined) listenOptions.host = options.host;
      if (options.port !== undefined) listenOptions.port = options.port;
      let server: Awaited<ReturnType<typeof StartServer>>;
      try {
        server = await startServer(gateway, listenOptions);
      } catch (error) {
        const line = listenFailure(error, { host: listenOptions.host ?? setup.config.server.host, port: listenOptions.port ?? setup.config.server.port });
        if (line === undefined) throw error;
        console.error(line);
        await gateway.close().catch(() => undefined);
        process.exit(1);
      }
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
    notes.push(
      `Found ${[env.OPENAI_API_KEY ? 'OPENAI_API_KEY' : '', env.ANTHROPIC_API_KEY ? 'ANTHROPIC_API_KEY' : ''].filter(Boolean).join(' and ')} in the environment.`,
    );
  }
  notes.push('To use a local server (Ollama, llama.cpp, vLLM, LM Studio), start it first.');
  notes.push('Then run `npx tandem init` to write a tandem.yaml with what it detects, and restart.');
  return notes;
}

/**
 * One line for a port the gateway cannot listen on (taken, or privileged), saying how to choose another;
 * undefined for any other failure.
 */
export function listenFailure(error: unknown, at: { host: string; port: number }): string | undefined {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const where = `${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
  const how = 'start with `tandem serve --port <port>` or set server.port in tandem.yaml';
  if (code === 'EADDRINUSE') return `tandem: port ${at.port} is already in use (${where}: another Tandem, or a model server?); ${how}`;
  if (code === 'EACCES') return `tandem: not allowed to listen on port ${at.port} (${where}; ports below 1024 need privileges); ${how}`;
  if (code === 'EADDRNOTAVAIL')
    return `tandem: cannot listen on ${where}: no such address on this machine; start with \`--host <address>\` or set server.host in tandem.yaml`;
  return undefined;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${value}`);
  return port;
}
