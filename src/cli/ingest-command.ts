/**
 * `tandem ingest <collection> <files or dirs...>`: reads, chunks and embeds documents into a retrieval
 * collection of the configured store (docs/retrieval.md). Directories are walked (hidden entries skipped);
 * a file named on the command line must be of a supported type, files of other types found in a directory
 * are skipped and listed. A file whose content is already stored is left alone; a changed one has its
 * chunks replaced. Sources are paths relative to the current directory, so ingesting from the same place
 * again finds the same documents.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { builtinConfig } from '../config/builtin-config.js';
import type { TandemConfig } from '../config/schema.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import { CollectionService, type IngestFile, type IngestReport } from '../retrieval/collection-service.js';
import { SUPPORTED_EXTENSIONS } from '../retrieval/read-document.js';
import { GatewayError } from '../spec/errors.js';
import { CommandFailure, parsePositiveInt, reportCommandFailure, type CliDeps } from './cli-deps.js';

interface Options {
  config?: string;
  private?: boolean;
  textField?: string;
  chunkChars?: number;
  overlapChars?: number;
  json?: boolean;
}

export function registerIngestCommand(program: Command, deps: CliDeps): void {
  program
    .command('ingest')
    .description('read, chunk and embed documents (text, Markdown, PDF, JSONL) into a retrieval collection')
    .argument('<collection>', 'the collection (created on first use)')
    .argument('<paths...>', 'files or directories')
    .option('-c, --config <file>', 'config file (default: ./tandem.yaml)')
    .option('--private', 'mark the collection private: requests that retrieve from it go to local models only')
    .option('--text-field <field>', "JSONL records' text field (default: the collection's text_field, else `text`)")
    .option('--chunk-chars <n>', "longest chunk in characters (default: the collection's chunking.max_chars, else 800)", parsePositiveInt)
    .option('--overlap-chars <n>', 'characters of whole sentences repeated between chunks (default 100)', parseCount)
    .option('--json', 'print JSON')
    .action(async (collection: string, paths: string[], options: Options) => {
      try {
        await runIngest(deps, collection, paths, options);
      } catch (error) {
        reportCommandFailure(deps, 'ingest', error instanceof GatewayError ? new CommandFailure(error.message, { cause: error }) : error);
      }
    });
}

async function runIngest(deps: CliDeps, collection: string, paths: readonly string[], options: Options): Promise<void> {
  const { config, baseDir } = await loadIngestConfig(deps, options.config);
  const { files, skipped } = await collectFiles(paths);
  if (files.length === 0) throw new CommandFailure(`no documents of a supported type (${SUPPORTED_EXTENSIONS.join(', ')}) in ${paths.join(', ')}`);
  const { openStore } = await import('../store/open-store.js');
  const store = await openStore(config.store, baseDir);
  const adapters = new Map<string, ProviderAdapter>();
  try {
    const modelName = config.collections[collection]?.embeddings_model;
    const model = modelName === undefined ? undefined : config.models[modelName];
    if (modelName !== undefined && model !== undefined) {
      const { createProviderAdapter, modelInfoFromConfig } = await import('../providers/create-provider-adapter.js');
      adapters.set(modelName, await createProviderAdapter({ name: modelName, config: model, info: modelInfoFromConfig(modelName, model), baseDir }));
    }
    const service = new CollectionService({ config, store, adapters });
    const report = await service.ingest(collection, files, {
      ...(options.private ? { private: true } : {}),
      ...(options.textField === undefined ? {} : { textField: options.textField }),
      chunking: {
        ...(options.chunkChars === undefined ? {} : { maxChars: options.chunkChars }),
        ...(options.overlapChars === undefined ? {} : { overlapChars: options.overlapChars }),
      },
    });
    deps.stdout(options.json ? `${JSON.stringify({ ...report, skipped }, null, 2)}\n` : describeReport(report, skipped));
  } finally {
    await Promise.allSettled([...adapters.values()].map((a) => a.close()));
    await store.close();
  }
}

function describeReport(report: IngestReport, skipped: readonly string[]): string {
  const lines = report.documents.map((d) => `  ${d.status.padEnd(9)} ${d.source} (${d.chunks} chunk${d.chunks === 1 ? '' : 's'})`);
  const perSecond = report.ms > 0 ? Math.round((report.chunks / report.ms) * 1000) : 0;
  lines.unshift(
    `collection ${report.collection}${report.private ? ' (private)' : ''}: ${report.chunks} chunk${report.chunks === 1 ? '' : 's'} embedded with ${report.embedder} in ${Math.round(report.ms)} ms${report.chunks > 0 ? ` (${perSecond} chunks/s)` : ''}`,
  );
  if (skipped.length > 0) lines.push(`skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} of unsupported types: ${skipped.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** The named files (any type: an unsupported one fails the ingest) and the supported files under the named directories. */
async function collectFiles(paths: readonly string[]): Promise<{ files: IngestFile[]; skipped: string[] }> {
  const files: IngestFile[] = [];
  const skipped: string[] = [];
  const add = async (path: string): Promise<void> => {
    files.push({ source: sourceOf(path), bytes: new Uint8Array(await readFile(path)) });
  };
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        if (SUPPORTED_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) await add(path);
        else skipped.push(sourceOf(path));
      }
    }
  };
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new CommandFailure(`${path}: no such file or directory`);
    }
    if (info.isDirectory()) await walk(path);
    else await add(path);
  }
  return { files, skipped };
}

function sourceOf(path: string): string {
  const absolute = resolve(path);
  const fromHere = relative(process.cwd(), absolute);
  const source = fromHere.startsWith('..') || isAbsolute(fromHere) ? absolute : fromHere;
  return source.split(sep).join('/');
}

async function loadIngestConfig(deps: CliDeps, configPath: string | undefined): Promise<{ config: TandemConfig; baseDir: string }> {
  if (configPath === undefined && !existsSync(resolve('tandem.yaml'))) {
    // As `tandem serve` without a config file: the built-in config, its store in ./.tandem/.
    const config = builtinConfig();
    config.store = { type: 'sqlite', path: resolve('.tandem/tandem.db'), log_bodies: true };
    return { config, baseDir: process.cwd() };
  }
  const loaded = await deps.loadConfig(configPath ?? 'tandem.yaml');
  if (loaded.config.store.type === 'memory') {
    throw new CommandFailure(
      'the config sets `store: {type: memory}`: a collection would be gone when this command ends; ingest through the running gateway (POST /admin/collections/{name}/documents) or use a sqlite or postgres store',
    );
  }
  return loaded;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of characters, 0 or more.');
  return n;
}
