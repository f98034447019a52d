/**
 * `tandem init`: writes a commented starter tandem.yaml from what is already on this machine (cloud API
 * keys in the environment, local OpenAI-compatible servers on their usual ports). Refuses to overwrite an
 * existing file without --force.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { BUILTIN_MODEL_PATH, PACKAGE_ROOT } from '../config/builtin-config.js';
import { DEFAULT_PROBES, detectEnvironment, parseProbe, type DetectedEnvironment, type LocalServerProbe } from '../config/detect-environment.js';
import { chatModelOf, starterConfig } from '../config/starter-config.js';
import { DEFAULT_ROUTER_ARTIFACT_PATH } from '../quality/default-router-path.js';
import { detectCapabilities, describeDetected } from '../config/detect-capabilities.js';
import { CommandFailure, type CliDeps } from './cli-deps.js';

export { starterConfig } from '../config/starter-config.js';
export type { DetectedEnvironment, DetectedServer, LocalServerProbe } from '../config/detect-environment.js';

export interface InitCommandDeps extends Pick<CliDeps, 'stdout' | 'stderr'> {
  /** Where API keys are looked for; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Relative --file paths resolve against it; defaults to process.cwd(). */
  cwd?: string;
  /** Servers to probe; defaults to Ollama 11434, llama.cpp 8080, vLLM 8000, LM Studio 1234 (plus each --probe). */
  probes?: readonly LocalServerProbe[];
  probeTimeoutMs?: number;
}

interface InitOptions {
  force?: boolean;
  file: string;
  probe: string[];
}

export function registerInitCommand(program: Command, deps: InitCommandDeps): void {
  program
    .command('init')
    .description('write a starter tandem.yaml from the local model servers and API keys found on this machine')
    .option('-f, --file <file>', 'where to write it', 'tandem.yaml')
    .option('--force', 'overwrite an existing file')
    .option('--probe <host:port>', 'also look for an OpenAI-compatible model server there (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .action(async (options: InitOptions) => {
      try {
        await runInit(deps, options);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        deps.stderr(`tandem init: ${message}\n`);
        process.exitCode = 1;
      }
    });
}

async function runInit(deps: InitCommandDeps, options: InitOptions): Promise<void> {
  const target = resolve(deps.cwd ?? process.cwd(), options.file);
  if (!options.force && existsSync(target)) {
    throw new CommandFailure(`${options.file} already exists; run \`tandem init --force\` to overwrite it`);
  }
  const probes = withExtraProbes(deps.probes ?? DEFAULT_PROBES, options.probe.map(parseProbe));
  const detected = await detectEnvironment({
    env: deps.env ?? process.env,
    probes,
    ...(deps.probeTimeoutMs === undefined ? {} : { timeoutMs: deps.probeTimeoutMs }),
  });
  // What each chosen chat model supports, asked of its server (Ollama /api/show, llama.cpp /props, …).
  const servers = await Promise.all(
    detected.servers.map(async (server) => {
      const model = chatModelOf(server.models);
      if (model === undefined) return server;
      const capabilities = await detectCapabilities({ baseUrl: server.baseUrl, model, timeoutMs: deps.probeTimeoutMs ?? 1_000 });
      return capabilities === undefined ? server : { ...server, capabilities };
    }),
  );
  const found: DetectedEnvironment = {
    ...detected,
    servers,
    embeddedModelPath: pathFrom(dirname(target), resolve(PACKAGE_ROOT, BUILTIN_MODEL_PATH)),
    defaultRouterPath: pathFrom(dirname(target), resolve(PACKAGE_ROOT, DEFAULT_ROUTER_ARTIFACT_PATH)),
    schemaPath: pathFrom(dirname(target), resolve(PACKAGE_ROOT, 'tandem.schema.json')),
  };
  await mkdir(dirname(target), { recursive: true });
  // 'wx' closes the gap between the existence check and the write.
  await writeFile(target, starterConfig(found), { flag: options.force ? 'w' : 'wx' });
  deps.stdout(`wrote ${options.file}\n${summary(found).join('\n')}\n`);
}

/** The usual ports, then each --probe that is not one of them. */
function withExtraProbes(usual: readonly LocalServerProbe[], extra: readonly LocalServerProbe[]): LocalServerProbe[] {
  const key = (p: LocalServerProbe): string => `${p.host ?? '127.0.0.1'}:${p.port}`;
  const seen = new Set(usual.map(key));
  const out = [...usual];
  for (const probe of extra) {
    if (seen.has(key(probe))) continue;
    seen.add(key(probe));
    out.push(probe);
  }
  return out;
}

function summary(found: DetectedEnvironment): string[] {
  const lines: string[] = [];
  for (const server of found.servers) {
    const first = chatModelOf(server.models);
    lines.push(
      first === undefined
        ? `  ${server.label} at ${server.baseUrl}: running, but lists no models`
        : `  ${server.label} at ${server.baseUrl}: using ${first}${server.models.length > 1 ? ` (of ${server.models.length} models)` : ''}`,
    );
    if (first !== undefined) {
      lines.push(
        server.capabilities === undefined
          ? `    capabilities: the server did not say; written as \`capabilities: auto\` (asked again at start-up)`
          : `    capabilities detected from ${server.capabilities.source}: ${describeDetected(server.capabilities)}`,
      );
    }
  }
  if (found.openaiKey) lines.push('  OPENAI_API_KEY: set, referenced as ${OPENAI_API_KEY}');
  if (found.anthropicKey) lines.push('  ANTHROPIC_API_KEY: set, referenced as ${ANTHROPIC_API_KEY}');
  if (lines.length === 0) {
    lines.push('  no local model server and no cloud API key found: the file uses the built-in demo model only');
    lines.push('  (a model server on another port or machine: `tandem init --probe host:port`)');
  }
  lines.push('next: `tandem validate`, then `tandem serve`');
  return lines;
}

/** A path as written in the config: relative to the config's directory, with forward slashes. */
function pathFrom(fromDir: string, to: string): string {
  const rel = relative(fromDir, to);
  return rel.split(sep).join('/');
}
