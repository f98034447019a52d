/**
 * The commented tandem.yaml `tandem init` writes (and `tandem serve` can print when there is none), built
 * from what detect-environment.ts found. It always validates: the built-in embedded model makes it work
 * with nothing else installed, and API keys appear only as `${VAR}` references.
 */
import { DEFAULT_ROUTER_ARTIFACT_PATH } from '../quality/default-router-path.js';
import { BUILTIN_MODEL_PATH } from './builtin-config.js';
import type { DetectedEnvironment, DetectedServer } from './detect-environment.js';
import { DEFAULT_PORT, FALLBACK_PORT } from './default-port.js';

interface CloudModel {
  name: string;
  envVar: string;
  lines: string[];
}

// Prices in USD per 1M tokens as published by each provider; users should check them (the file says so).
const OPENAI_MODEL: CloudModel = {
  name: 'gpt-4.1',
  envVar: 'OPENAI_API_KEY',
  lines: [
    'provider: openai-compatible',
    'base_url: https://api.openai.com/v1',
    'api_key: ${OPENAI_API_KEY}',
    'locality: cloud',
    'context_window: 1047576',
    'pricing: { input_per_1m: 2.0, cached_input_per_1m: 0.5, output_per_1m: 8.0 }   # USD; check current prices',
    'capabilities: { tools: true, json: true, vision: true }',
  ],
};

const ANTHROPIC_MODEL: CloudModel = {
  name: 'claude-sonnet-4-5',
  envVar: 'ANTHROPIC_API_KEY',
  lines: [
    'provider: anthropic',
    'api_key: ${ANTHROPIC_API_KEY}',
    'locality: cloud',
    'context_window: 200000',
    'default_max_output_tokens: 4096',
    'pricing: { input_per_1m: 3.0, cached_input_per_1m: 0.3, output_per_1m: 15.0 }   # USD; check current prices',
    'capabilities: { tools: true, vision: true }',
  ],
};

const EMBEDDED_NAME = 'stories-260k';

/** The starter route's share of large-model calls. */
const STARTER_LLM_SHARE = 0.3;

export function starterConfig(found: DetectedEnvironment): string {
  const used = new Set<string>();
  const out: string[] = [];
  const line = (text = ''): void => {
    out.push(text);
  };

  // Local servers: the first chat model each serves (the others are listed in a comment).
  const locals: { server: DetectedServer; name: string; id: string }[] = [];
  for (const server of found.servers) {
    const id = chatModelOf(server.models);
    if (id === undefined) continue;
    let name = friendlyName(id);
    if (used.has(name)) name = `${name}@${server.id}`;
    used.add(name);
    locals.push({ server, name, id });
  }
  const clouds = [found.openaiKey ? OPENAI_MODEL : undefined, found.anthropicKey ? ANTHROPIC_MODEL : undefined].filter(
    (model): model is CloudModel => model !== undefined && !used.has(model.name),
  );
  const embeddedName = used.has(EMBEDDED_NAME) ? `${EMBEDDED_NAME}@tandem` : EMBEDDED_NAME;
  // The demo model is a route member only when no real local model was found: it writes tiny stories.
  const routeModels = [...locals.map((l) => l.name), ...clouds.map((c) => c.name)];
  if (locals.length === 0) routeModels.splice(0, 0, embeddedName);
  const small = locals[0]?.name ?? embeddedName;
  const large = clouds[0]?.name;
  const onThisMachine = (s: DetectedServer): boolean => s.host === undefined || ['127.0.0.1', 'localhost', '::1'].includes(s.host);
  const port = found.servers.some((s) => s.port === DEFAULT_PORT && onThisMachine(s)) ? FALLBACK_PORT : DEFAULT_PORT;

  if (found.schemaPath !== undefined) line(`# yaml-language-server: $schema=${found.schemaPath}`);
  line('# Tandem gateway configuration, written by `tandem init`.');
  line('# Check it with `tandem validate`; run the gateway with `tandem serve`. Every key: docs/configuration.md.');
  line(`# Point any OpenAI client at http://127.0.0.1:${port}/v1 and send model "tandem/auto" to let Tandem`);
  line('# choose, or a model name from below to call that model directly.');
  line();
  line('server:');
  line('  host: 127.0.0.1   # 0.0.0.0 exposes the gateway to your network; then also set api_keys');
  line(`  port: ${port}${port === DEFAULT_PORT ? '' : `   # not ${DEFAULT_PORT}: a local model server is using it`}`);
  line();
  line('# Every request, routing decision and its cost/savings; read by `tandem stats` and `tandem logs`.');
  line('store:');
  line('  type: sqlite');
  line('  path: .tandem/tandem.db');
  line();
  line('models:');
  for (const { server, name, id } of locals) {
    const others = server.models.filter((other) => other !== id);
    line(`  # Found ${server.label} at ${server.baseUrl}.${others.length > 0 ? ` It also serves: ${listed(others)}.` : ''}`);
    line(`  ${scalar(name)}:`);
    line('    provider: openai-compatible');
    if (name !== id) line(`    model: ${scalar(id)}`);
    line(`    base_url: ${server.baseUrl}`);
    line('    locality: local');
    const found = server.capabilities;
    // llama.cpp reports the context a slot really has; Ollama, LM Studio and vLLM the model's maximum,
    // which the server may not load it with.
    if (found?.source.startsWith('llama.cpp') && found.contextWindow !== undefined) {
      line(`    context_window: ${found.contextWindow}   # from ${found.source} (the server's -c / --ctx-size)`);
    } else {
      line('    context_window: 8192   # set this to the context size your server actually loads the model with');
    }
    if (found !== undefined) {
      const flags = (['tools', 'json', 'vision'] as const).map((flag) => `${flag}: ${found[flag] === true}`).join(', ');
      line(`    capabilities: { ${flags} }   # detected from ${found.source}; \`capabilities: auto\` asks again at every start`);
    } else {
      line('    capabilities: auto   # ask the server at start-up what the model supports (tools, JSON, images)');
    }
  }
  for (const server of found.servers.filter((s) => s.models.length === 0)) {
    line(`  # ${server.label} answers at ${server.baseUrl} but lists no models; load or pull one, then run \`tandem init --force\`.`);
  }
  for (const cloud of clouds) {
    line(`  # ${cloud.envVar} is set; the key stays in the environment and is read at start-up.`);
    line(`  ${scalar(cloud.name)}:`);
    for (const text of cloud.lines) line(`    ${text}`);
  }
  if (clouds.length === 0) {
    line('  # No OPENAI_API_KEY or ANTHROPIC_API_KEY in the environment. To add a cloud model, export one and');
    line('  # run `tandem init --force`, or uncomment and adapt:');
    line(`  # ${OPENAI_MODEL.name}:`);
    for (const text of OPENAI_MODEL.lines) line(`  #   ${text}`);
  }
  line('  # The demo model shipped with Tandem: a 260K-parameter TinyStories model that runs in-process with');
  line('  # no server. It only writes short stories; it is here so this file works with nothing else installed.');
  line(`  ${scalar(embeddedName)}:`);
  line('    provider: embedded');
  line(`    path: ${scalar(found.embeddedModelPath ?? BUILTIN_MODEL_PATH)}   # relative to this file`);
  line('    locality: local');
  line('    context_window: 512');
  line('    default_max_output_tokens: 128');
  line();
  line('routes:');
  line('  tandem/auto:');
  line(`    description: ${scalar(describeRoute({ small, large }))}`);
  line(`    models: [${routeModels.map(scalar).join(', ')}]`);
  line('    policies:');
  line('      - type: privacy       # personal data or secrets found (or x-tandem-sensitive: true): local models only');
  line('      - type: context-fit   # skip models whose context window is too small for the request');
  line('      - type: capability    # tools, JSON schema and images only go to models that declare them');
  line('    router:');
  if (large !== undefined) {
    // The zero-shot router shipped with Tandem (models/router-default.json, docs/routing-quality.md), holding
    // the share on the route's own traffic, since its calibration came from benchmarks, not from this traffic.
    line('      type: learned         # easy prompts to the small local model, hard ones to the cloud model');
    line(
      `      artifact: ${scalar(found.defaultRouterPath ?? DEFAULT_ROUTER_ARTIFACT_PATH)}   # the zero-shot router shipped with Tandem; \`tandem train-router\` makes one from your traffic`,
    );
    line(`      small: ${scalar(small)}`);
    line(`      large: ${scalar(large)}`);
    line(`      llm_share: ${STARTER_LLM_SHARE}        # share of requests (the hardest) sent to the cloud model; lower it to save more`);
    line('      hold: online          # hold that share on your own recent traffic');
    if (locals.length === 0) {
      line('      # The small model is the demo model; start a local server (Ollama, llama.cpp, vLLM, LM Studio)');
      line('      # and run `tandem init --force` to route easy prompts to a real one.');
    }
    line(`    baseline_model: ${scalar(large)}   # savings are measured against sending everything here`);
  } else {
    line('      type: fixed           # one model; add a cloud model (then `tandem init --force`) to route by difficulty');
    line(`      model: ${scalar(small)}`);
  }
  return `${out.join('\n')}\n`;
}

// Ollama and vLLM list embedding and reranking models beside chat models; they cannot answer a chat.
const NOT_CHAT = /embed|rerank|whisper|tts/i;

/** The first model that looks like a chat model, else the first model. */
export function chatModelOf(ids: readonly string[]): string | undefined {
  return ids.find((id) => !NOT_CHAT.test(id)) ?? ids[0];
}

function describeRoute(options: { small: string; large: string | undefined }): string {
  return options.large === undefined
    ? `Everything to ${options.small}, within the policies.`
    : `Easy prompts to ${options.small}, hard ones to ${options.large}, within the policies.`;
}

/** A served id as a config name: llama.cpp reports file paths, which make poor names. */
function friendlyName(id: string): string {
  if (!/[\\/]/.test(id) || !/\.gguf$/i.test(id)) return id;
  return (
    id
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.gguf$/i, '') || id
  );
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 8).join(', ');
  return ids.length > 8 ? `${shown} and ${ids.length - 8} more` : shown;
}

const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A YAML scalar: bare when that is unambiguous, else double-quoted (JSON strings are valid YAML). */
function scalar(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(text) && !RESERVED.test(text) ? text : JSON.stringify(text);
}
