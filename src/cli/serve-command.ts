/** `tandem serve`: start the gateway; with no tandem.yaml, serve the built-in local model and say what to add. */
import type { Command } from 'commander';
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
      for (const line of startupNotes(setup, process.env)) console.log(line);
      const gateway = await openGateway(setup);
      const listenOptions: { host?: string; port?: number } = {};
      if (options.host !== undefined) listenOptions.host = options.host;
      if (options.port !== undefined) listenOptions.port = options.port;
      const server = await startServer(gateway, listenOptions);
      const routes = [...gateway.routes.keys()];
      console.log(`tandem listening on ${server.url}  (OpenAI base URL: ${server.url}/v1)`);
      console.log(`routes: ${routes.join(', ') || '(none)'}; models: ${[...gateway.models.keys()].join(', ')}`);
      const stop = (signal: string): void => {
        console.log(`${signal}: finishing in-flight requests, then exiting`);
        void server.close({ deadlineMs: 10_000 }).then(() => process.exit(0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
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
