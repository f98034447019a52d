/**
 * Loads tandem.yaml in phases, as TensorZero does, so each phase reports everything it finds at once:
 *   1. parse YAML (syntax errors with line:col) and interpolate `${ENV_VAR}` in string values;
 *   2. validate against the strict zod schema (unknown keys are errors, with "did you mean");
 *   3. resolve references between entries (resolve-references.ts).
 * Relative paths in the config (embedded model files, the SQLite file, router artifacts) are relative to
 * the config file: resolve them against the returned `baseDir`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { formatPath, type PathSegment } from './config-path.js';
import { describeZodIssues } from './describe-zod-issue.js';
import { interpolateEnv } from './interpolate-env.js';
import { resolveReferences } from './resolve-references.js';
import { configSchema, type TandemConfig } from './schema.js';

export interface LoadedConfig {
  config: TandemConfig;
  /** Absolute directory of the config file; relative paths in the config resolve against it. */
  baseDir: string;
  /** Problems that do not stop the gateway (e.g. an API key variable that is not set). */
  warnings: string[];
}

export interface ParseConfigOptions {
  /** Variables for `${VAR}`; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Shown before each error, usually the file name. */
  source?: string;
}

/** Reads and validates a config file; throws ConfigError listing every problem found. */
export async function loadConfig(path: string, options: { env?: Record<string, string | undefined> } = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `file not found (looked for ${resolve(path)}); run \`tandem init\` to write a starter config`
        : `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    throw new ConfigError({ source: path, issues: [{ path: '', message }] });
  }
  const { config, warnings } = parseConfigText(text, { source: path, ...(options.env === undefined ? {} : { env: options.env }) });
  const baseDir = dirname(resolve(path));
  return { config, baseDir, warnings: [...warnings, ...missingFileWarnings(config, baseDir)] };
}

/** Validates config text; throws ConfigError listing every problem found. */
export function parseConfigText(text: string, options: ParseConfigOptions = {}): { config: TandemConfig; warnings: string[] } {
  const source = options.source ?? 'tandem.yaml';
  const env = options.env ?? process.env;
  const failure = (issues: ConfigIssue[]): ConfigError => new ConfigError({ source, issues });

  // Phase 1: YAML, then environment variables.
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw failure(
      doc.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          path: '',
          message: `YAML syntax error: ${error.message.split(' at line ')[0] ?? error.message}`,
          ...(position === undefined ? {} : { line: position.line, col: position.col }),
        };
      }),
    );
  }
  const warnings = doc.warnings.map((warning) => `YAML: ${warning.message.split(' at line ')[0] ?? warning.message}`);
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    throw failure([{ path: '', message: `YAML error: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  if (raw === null || raw === undefined) throw failure([{ path: '', message: 'the file is empty; it needs at least a models: section' }]);
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw failure([{ path: '', message: 'the top level must be a mapping of keys (server:, models:, routes:, ...)' }]);
  }
  warnings.push(...literalApiKeyWarnings(raw));
  const interpolated = interpolateEnv(raw, { env, optional: isApiKeyPath });
  warnings.push(...interpolated.warnings);

  // Phase 2: the schema. Interpolation errors are reported together with schema errors, but a value that
  // failed to interpolate is not reported twice.
  const parsed = configSchema.safeParse(interpolated.value);
  const issues = [...interpolated.issues];
  if (!parsed.success) {
    const already = new Set(interpolated.issues.map((issue) => issue.path));
    const described = describeZodIssues({ issues: parsed.error.issues, input: interpolated.value, schema: configSchema });
    issues.push(...described.filter((issue) => !already.has(issue.path)));
  }
  if (!parsed.success || issues.length > 0) throw failure(issues);
  const config = parsed.data;

  // Phase 3: references between entries.
  const resolved = resolveReferences(config);
  if (resolved.issues.length > 0) throw failure(resolved.issues);
  warnings.push(...resolved.warnings);
  return { config, warnings };
}

function isApiKeyPath(path: readonly PathSegment[]): boolean {
  return path.length === 3 && path[0] === 'models' && path[2] === 'api_key';
}

/** A key typed into the file ends up in version control and in every copy of the file. */
function literalApiKeyWarnings(raw: object): string[] {
  const models = (raw as { models?: unknown }).models;
  if (models === null || typeof models !== 'object') return [];
  const warnings: string[] = [];
  for (const [name, model] of Object.entries(models)) {
    const key: unknown = model !== null && typeof model === 'object' ? (model as { api_key?: unknown }).api_key : undefined;
    if (typeof key === 'string' && key !== '' && !key.includes('${')) {
      warnings.push(
        `${formatPath(['models', name, 'api_key'])}: the key is written in the file; write \${SOME_ENV_VAR} instead so it stays out of version control`,
      );
    }
  }
  return warnings;
}

/** Files the config names, relative to it; missing ones make a model or router fail at start-up. */
function missingFileWarnings(config: TandemConfig, baseDir: string): string[] {
  const files: { path: string; file: string }[] = [];
  for (const [name, model] of Object.entries(config.models)) {
    if (model.provider === 'embedded') files.push({ path: formatPath(['models', name, 'path']), file: model.path });
  }
  for (const [name, route] of Object.entries(config.routes)) {
    const router = route.router;
    if (router?.type === 'learned') files.push({ path: formatPath(['routes', name, 'router', 'artifact']), file: router.artifact });
    if (router?.type === 'cascade' && router.verifier_artifact !== undefined) {
      files.push({ path: formatPath(['routes', name, 'router', 'verifier_artifact']), file: router.verifier_artifact });
    }
  }
  return files.filter(({ file }) => !existsSync(resolve(baseDir, file))).map(({ path, file }) => `${path}: file not found: ${resolve(baseDir, file)}`);
}
