import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { loadConfig, parseConfigText } from './load-config.js';

const LOCAL = `
  local:
    provider: openai-compatible
    base_url: http://127.0.0.1:11434/v1
    locality: local`;

/** Parses and returns the ConfigError's issues, failing the test if the text loads. */
function issuesOf(text: string, env: Record<string, string | undefined> = {}): ConfigIssue[] {
  try {
    parseConfigText(text, { env, source: 'tandem.yaml' });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [...error.issues];
  }
  assert.fail('expected the config to be rejected');
}

function issueAt(issues: ConfigIssue[], path: string): ConfigIssue {
  const found = issues.find((issue) => issue.path === path);
  assert.ok(found, `no issue at ${path}; got ${JSON.stringify(issues)}`);
  return found;
}

describe('environment variables', () => {
  test('${VAR} is replaced in string values, and ${VAR:-default} falls back when unset or empty', () => {
    const text = `
models:
  a:
    provider: openai-compatible
    base_url: \${A_URL}
    locality: local
    headers: { X-Team: "\${TEAM:-platform}", X-Empty: "\${EMPTY:-fallback}", X-Set: "\${SET:-unused}", X-Lit: "$\${NOT_A_VAR}" }
`;
    const { config } = parseConfigText(text, { env: { A_URL: 'http://10.0.0.5:8000/v1', EMPTY: '', SET: 'given' } });
    const model = config.models.a;
    assert.equal(model?.provider, 'openai-compatible');
    if (model?.provider !== 'openai-compatible') return;
    assert.equal(model.base_url, 'http://10.0.0.5:8000/v1');
    assert.deepEqual(model.headers, { 'X-Team': 'platform', 'X-Empty': 'fallback', 'X-Set': 'given', 'X-Lit': '${NOT_A_VAR}' });
  });

  test('a missing variable without a default is an error naming the variable and where it is used', () => {
    const issues = issuesOf(`
models:
  a:
    provider: openai-compatible
    base_url: \${LOCAL_LLM_URL}
    locality: local
`);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    const issue = issueAt(issues, 'models.a.base_url');
    assert.match(issue.message, /LOCAL_LLM_URL is not set/);
  });

  test('a missing api_key variable leaves the key unset with a warning, and the config still loads', () => {
    const { config, warnings } = parseConfigText(
      `
models:
  gpt:
    provider: openai-compatible
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY}
    locality: cloud
  claude:
    provider: anthropic
    api_key: \${ANTHROPIC_API_KEY}
    locality: cloud
`,
      { env: { ANTHROPIC_API_KEY: '' } },
    );
    const gpt = config.models.gpt;
    assert.ok(gpt && gpt.provider === 'openai-compatible');
    assert.equal(gpt.api_key, undefined);
    assert.equal(config.models.claude?.provider === 'anthropic' ? config.models.claude.api_key : 'wrong', undefined);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /^models\.gpt\.api_key: environment variable OPENAI_API_KEY is not set/);
    assert.match(warnings[1] ?? '', /^models\.claude\.api_key: environment variable ANTHROPIC_API_KEY is empty/);
  });

  test('a key typed into the file loads but warns to use a variable', () => {
    const { config, warnings } = parseConfigText(`
models:
  claude: { provider: anthropic, api_key: sk-ant-literal, locality: cloud }
`);
    assert.equal(config.models.claude?.provider === 'anthropic' && config.models.claude.api_key, 'sk-ant-literal');
    assert.match(warnings.join('\n'), /models\.claude\.api_key: the key is written in the file/);
  });
});

describe('schema errors', () => {
  test('an unknown key is reported at its exact path with the closest known key of that object', () => {
    const issues = issuesOf(`
servr: { port: 9000 }
models:
  local:
    provider: openai-compatible
    base_url: http://127.0.0.1:11434/v1
    locality: local
    capabilites: { tools: true }
  tiny:
    provider: embedded
    path: tiny.gguf
    locality: local
    thread: 2
    capabilities: { tool: true }
`);
    assert.equal(issueAt(issues, 'servr').suggestion, 'server');
    assert.equal(issueAt(issues, 'models.local.capabilites').suggestion, 'capabilities');
    // The allowed keys depend on the provider: `threads` exists only on embedded models.
    assert.equal(issueAt(issues, 'models.tiny.thread').suggestion, 'threads');
    assert.equal(issueAt(issues, 'models.tiny.capabilities.tool').suggestion, 'tools');
    assert.equal(issues.length, 4, JSON.stringify(issues));
  });

  test('an unknown key with no close match lists the allowed keys', () => {
    const issue = issueAt(
      issuesOf(`models:${LOCAL}\nroutes:\n  r:\n    models: [local]\n    policies: [{ type: privacy, strict: true }]\n`),
      'routes.r.policies[0].strict',
    );
    assert.equal(issue.suggestion, undefined);
    assert.match(issue.message, /allowed keys here: type/);
  });

  test('bad provider, locality and policy or router types suggest the closest valid value', () => {
    const issues = issuesOf(`
models:
  a: { provider: openai-compat, base_url: "http://127.0.0.1:8000/v1", locality: local }
  b: { provider: embedded, path: b.gguf, locality: locl }
routes:
  r:
    models: [b]
    policies: [{ type: privacy }, { type: context_fit }]
    router: { type: scord, small: b, large: b }
`);
    assert.equal(issueAt(issues, 'models.a.provider').suggestion, 'openai-compatible');
    assert.match(issueAt(issues, 'models.a.provider').message, /unknown provider "openai-compat"; expected one of openai-compatible, anthropic, embedded/);
    assert.equal(issueAt(issues, 'models.b.locality').suggestion, 'local');
    assert.equal(issueAt(issues, 'routes.r.policies[1].type').suggestion, 'context-fit');
    assert.equal(issueAt(issues, 'routes.r.router.type').suggestion, 'scored');
  });

  test("a provider typo does not hide the entry's other problems: all are reported at once", () => {
    const issues = issuesOf(`
models:
  a: { provider: openai-compat, base_url: "localhost:11434", locality: locl, context_windw: 4096 }
  r: { provider: embeded, locality: local }
`);
    assert.deepEqual(
      issues.map((i) => i.path),
      ['models.a.provider', 'models.a.base_url', 'models.a.locality', 'models.a.context_windw', 'models.r.provider', 'models.r.path'],
    );
    assert.equal(issueAt(issues, 'models.a.locality').suggestion, 'local');
    assert.equal(issueAt(issues, 'models.a.context_windw').suggestion, 'context_window');
    assert.match(issueAt(issues, 'models.a.base_url').message, /not an http:\/\/ or https:\/\/ URL/);
    assert.match(issueAt(issues, 'models.r.path').message, /missing/);
  });

  test('wrong types and bounds read as plain English', () => {
    const issues = issuesOf(`
server:
  port: "8080"
models:
  a: { provider: openai-compatible, base_url: "localhost:11434", locality: local, context_window: 0 }
routes:
  r: { models: a }
`);
    assert.match(issueAt(issues, 'server.port').message, /expected a whole number|expected a number/);
    assert.match(issueAt(issues, 'models.a.base_url').message, /not an http:\/\/ or https:\/\/ URL/);
    assert.match(issueAt(issues, 'models.a.context_window').message, /must be greater than 0/);
    assert.match(issueAt(issues, 'routes.r.models').message, /expected a list .*write \[a\] for a list of one/);
  });

  test('a missing required key and a missing models section are reported', () => {
    assert.match(
      issueAt(issuesOf('models:\n  a: { provider: openai-compatible, locality: local }\n'), 'models.a.base_url').message,
      /missing; this key is required/,
    );
    assert.match(issueAt(issuesOf('server: { port: 8000 }\n'), 'models').message, /missing/);
    assert.match(issueAt(issuesOf('models: {}\n'), 'models').message, /no models are defined/);
    assert.match(issueAt(issuesOf(''), '').message, /empty/);
  });

  test('YAML syntax errors report line and column', () => {
    const issues = issuesOf('models:\n  a: { provider: embedded, path: a.gguf, locality: local }\nroutes:\n  r:\n    models: [a\n  s: {}\n');
    assert.ok(issues.length >= 1);
    const first = issues[0];
    assert.ok(first?.line !== undefined && first.line >= 5, JSON.stringify(issues));
    assert.match(first.message, /^YAML syntax error: /);
    const error = new ConfigError({ source: 'tandem.yaml', issues });
    assert.match(error.format(), new RegExp(`^tandem\\.yaml:${first.line}:${first.col}: YAML syntax error`));
  });

  test('duplicate keys are a syntax error, not a silent override', () => {
    const issues = issuesOf(
      'models:\n  a: { provider: embedded, path: a.gguf, locality: local }\n  a: { provider: embedded, path: b.gguf, locality: local }\n',
    );
    assert.equal(issues[0]?.line, 3);
    assert.match(issues[0]?.message ?? '', /unique/);
  });
});

describe('references', () => {
  test('an unknown model reference names its path and the closest model', () => {
    const issues = issuesOf(`
models:${LOCAL}
  gpt-4o: { provider: openai-compatible, base_url: "https://api.openai.com/v1", locality: cloud }
routes:
  tandem/auto:
    models: [local, gpt-4o]
    router: { type: scored, small: locl, large: gpt-4o }
    fallbacks: [gpt4o]
    baseline_model: gpt-40
embeddings_model: lokal
`);
    const small = issueAt(issues, 'routes.tandem/auto.router.small');
    assert.equal(small.suggestion, 'local');
    assert.match(small.message, /unknown model "locl"/);
    assert.equal(issueAt(issues, 'routes.tandem/auto.fallbacks[0]').suggestion, 'gpt-4o');
    assert.equal(issueAt(issues, 'routes.tandem/auto.baseline_model').suggestion, 'gpt-4o');
    assert.equal(issueAt(issues, 'embeddings_model').suggestion, 'local');
    assert.equal(issues.length, 4);
    const formatted = new ConfigError({ source: 'tandem.yaml', issues }).format().split('\n');
    assert.equal(formatted.length, 4);
    assert.ok(
      formatted.includes(
        'tandem.yaml: routes.tandem/auto.router.small: unknown model "locl"; it must be one of the names under models: (did you mean "local"?)',
      ),
      formatted.join('\n'),
    );
  });

  test("router and fallback models must be in the route's own models list", () => {
    const issues = issuesOf(`
models:${LOCAL}
  other: { provider: embedded, path: o.gguf, locality: local }
routes:
  r:
    models: [local]
    fallbacks: [other]
    router: { type: weighted, weights: { local: 1, other: 1 } }
  s:
    models: [local]
    router: { type: rules, rules: [{ when: { min_messages: 3 }, model: other }], default: other }
`);
    for (const path of ['routes.r.fallbacks[0]', 'routes.r.router.weights.other', 'routes.s.router.rules[0].model', 'routes.s.router.default']) {
      assert.match(issueAt(issues, path).message, /not in this route's models list/);
    }
  });

  test('an invalid regex, all-zero weights and an impossible rule are rejected', () => {
    const issues = issuesOf(`
models:${LOCAL}
routes:
  r:
    models: [local]
    router: { type: rules, rules: [{ when: { last_user_matches: "(unclosed", min_tokens: 10, max_tokens: 5 }, model: local }], default: local }
  w:
    models: [local]
    router: { type: weighted, weights: { local: 0 } }
`);
    assert.match(issueAt(issues, 'routes.r.router.rules[0].when.last_user_matches').message, /not a valid regular expression/);
    assert.match(issueAt(issues, 'routes.r.router.rules[0].when').message, /can never match/);
    assert.match(issueAt(issues, 'routes.w.router.weights').message, /weight above 0/);
  });
});

const FULL = `
server: { host: 0.0.0.0, port: 9000, api_keys: ["\${TANDEM_KEY}"] }
store: { type: sqlite, path: data/tandem.db, log_bodies: false }
circuit_breaker: { failure_threshold: 3 }
currency: EUR
models:
  llama:
    provider: openai-compatible
    model: "llama3.2:3b"
    base_url: http://127.0.0.1:11434/v1
    locality: local
    context_window: 8192
  gpt:
    provider: openai-compatible
    model: gpt-4.1
    base_url: https://api.openai.com/v1
    api_key: \${OPENAI_API_KEY}
    locality: cloud
    context_window: 1047576
    pricing: { input_per_1m: 2, output_per_1m: 8 }
    capabilities: { tools: true, json: true, vision: true }
  claude:
    provider: anthropic
    model: claude-sonnet-4-5
    api_key: \${ANTHROPIC_API_KEY}
    locality: cloud
  tiny:
    provider: embedded
    path: models/tiny.gguf
    locality: local
    context_window: 512
  embed:
    provider: openai-compatible
    base_url: http://127.0.0.1:11434/v1
    locality: local
    capabilities: { embeddings: true }
routes:
  tandem/auto:
    models: [llama, gpt, claude]
    policies: [{ type: privacy }, { type: context-fit, safety_margin: 0.1 }, { type: capability }, { type: budget, max_cost_per_request: 0.05 }, { type: latency, max_ttft_ms: 2000 }]
    router: { type: scored, small: llama, large: gpt, threshold: 0.6 }
    fallbacks: [claude, llama]
    retry: { max_attempts: 3 }
    baseline_model: gpt
  by-rules:
    models: [llama, gpt]
    router:
      type: rules
      rules:
        - when: { metadata: { team: research }, last_user_matches: "\\\\b(prove|derive)\\\\b" }
          model: gpt
      default: llama
  ab: { models: [llama, claude], router: { type: weighted, weights: { llama: 3, claude: 1 } } }
  learned: { models: [llama, gpt], router: { type: learned, artifact: router.json, llm_share: 0.3, small: llama, large: gpt } }
  cascade: { models: [tiny, gpt], router: { type: cascade, small: tiny, large: gpt } }
  pinned: { models: [tiny], router: { type: fixed, model: tiny } }
embeddings_model: embed
`;

describe('a full valid config', () => {
  test('loads with every router type, and defaults are filled in', () => {
    const { config, warnings } = parseConfigText(FULL, { env: { TANDEM_KEY: 'secret', OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant' } });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.server, {
      host: '0.0.0.0',
      port: 9000,
      max_body_bytes: 8 * 1024 * 1024,
      max_connections: 1024,
      max_inflight_body_bytes: 64 * 1024 * 1024,
      body_timeout_ms: 10_000,
      max_json_depth: 64,
      max_messages: 2048,
      max_content_parts: 256,
      max_tools: 128,
      max_metadata_keys: 16,
      max_embedding_inputs: 2048,
      api_keys: ['secret'],
      drain_timeout_ms: 10_000,
      heap: 'compact',
    });
    assert.deepEqual(Object.keys(config.routes), ['tandem/auto', 'by-rules', 'ab', 'learned', 'cascade', 'pinned']);
    assert.deepEqual(config.circuit_breaker, { failure_threshold: 3, cooldown_ms: 30_000 });
    const gpt = config.models.gpt;
    assert.ok(gpt?.provider === 'openai-compatible');
    assert.equal(gpt.api_key, 'sk-test');
    assert.equal(gpt.timeout_ms, 60_000);
    assert.deepEqual(gpt.capabilities, { stream: true, tools: true, json: true, vision: true, embeddings: false });
    const claude = config.models.claude;
    assert.ok(claude?.provider === 'anthropic');
    assert.equal(claude.base_url, 'https://api.anthropic.com');
    const route = config.routes['tandem/auto'];
    assert.deepEqual(route?.retry, { max_attempts: 3, initial_backoff_ms: 100, max_backoff_ms: 2_000 });
    assert.deepEqual(route?.router, { type: 'scored', scorer: { type: 'heuristic' }, threshold: 0.6, small: 'llama', large: 'gpt' });
    const rules = config.routes['by-rules']?.router;
    assert.ok(rules?.type === 'rules');
    assert.equal(rules.rules[0]?.when.last_user_matches, '\\b(prove|derive)\\b');
    assert.equal(rules.rules[0]?.when.ignore_case, true);
  });

  test('defaults: a config with one model gets the default server, store and no routes', () => {
    const { config } = parseConfigText(`models:${LOCAL}\n`);
    assert.deepEqual(config.server, {
      host: '127.0.0.1',
      port: 8421,
      max_body_bytes: 8 * 1024 * 1024,
      max_connections: 1024,
      max_inflight_body_bytes: 64 * 1024 * 1024,
      body_timeout_ms: 10_000,
      max_json_depth: 64,
      max_messages: 2048,
      max_content_parts: 256,
      max_tools: 128,
      max_metadata_keys: 16,
      max_embedding_inputs: 2048,
      api_keys: [],
      drain_timeout_ms: 10_000,
      heap: 'compact',
    });
    assert.deepEqual(config.store, { type: 'sqlite', path: '.tandem/tandem.db', log_bodies: true });
    assert.deepEqual(config.routes, {});
  });
});

describe('loadConfig', () => {
  test('reads a file, returns its directory as baseDir, and warns about files the config names but lacks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-config-'));
    try {
      const path = join(dir, 'tandem.yaml');
      await writeFile(path, `models:\n  tiny: { provider: embedded, path: models/missing.gguf, locality: local }\n`);
      const loaded = await loadConfig(path, { env: {} });
      assert.equal(loaded.baseDir, dir);
      assert.deepEqual(loaded.warnings, [`models.tiny.path: file not found: ${join(dir, 'models/missing.gguf')}`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing file is a ConfigError that says how to create one', async () => {
    await assert.rejects(loadConfig('/nonexistent/dir/tandem.yaml'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.format(), /^\/nonexistent\/dir\/tandem\.yaml: file not found .*tandem init/);
      return true;
    });
  });
});
