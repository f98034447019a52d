/**
 * `tandem validate [file]`: loads a config exactly as `tandem serve` would and reports every problem at
 * once, one line each with its path and a suggestion, so it can gate a deploy (exit status 1 on errors).
 */
import type { Command } from 'commander';
import { ConfigError } from '../config/config-error.js';
import type { TandemConfig } from '../config/schema.js';
import type { CliDeps } from './cli-deps.js';
import { applyDetectedCapabilities, type CapabilityDetection } from '../config/apply-detected-capabilities.js';

export interface ValidateCommandDeps extends Pick<CliDeps, 'stdout' | 'stderr'> {
  /** `capabilities: auto` models are asked as `tandem serve` would; replaceable in tests. */
  detectCapabilities?: (config: TandemConfig) => Promise<CapabilityDetection[]>;
  /** The real loader returns warnings too; a loader without them still works (and reports none). */
  loadConfig(path: string): Promise<{ config: TandemConfig; baseDir: string; warnings?: string[] }>;
}

export function registerValidateCommand(program: Command, deps: ValidateCommandDeps): void {
  program
    .command('validate')
    .description('check a config file: syntax, schema, environment variables and references between entries')
    .argument('[file]', 'the config file', 'tandem.yaml')
    .action(async (file: string) => {
      try {
        const { config, warnings = [] } = await deps.loadConfig(file);
        const models = Object.keys(config.models).length;
        const routes = Object.keys(config.routes).length;
        const detections = await (deps.detectCapabilities ?? applyDetectedCapabilities)(config);
        const lines = [
          `ok: ${plural(models, 'model')}, ${plural(routes, 'route')}`,
          ...warnings.map((w) => `warning: ${w}`),
          ...detections.map((d) => (d.found === undefined ? `warning: ${d.note}` : d.note)),
        ];
        deps.stdout(`${lines.join('\n')}\n`);
      } catch (error) {
        deps.stderr(error instanceof ConfigError ? `${error.format()}\n` : `tandem validate: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
