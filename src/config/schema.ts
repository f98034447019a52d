/**
 * The shape of `tandem.yaml`, the single source of truth for configuration: the loader validates with it,
 * `tandem validate` reports its errors, and `npm run schema` writes the JSON Schema editors complete from
 * (and the reference table in docs/configuration.md), so the `.describe()` texts here are user documentation.
 *
 * Every object is strict: an unknown key is an error (with a "did you mean" suggestion), never ignored.
 * Names of models and routes are references resolved in a second phase (see resolve-references.ts).
 */
import { z } from 'zod';
import { auditSchema, authModeSchema, limitsSchema, retentionFields } from '../governance/governance-schema.js';
import { migrateFields } from '../store/migrations/migrate-mode-schema.js';
import { isPlaceholderSecret, PLACEHOLDER_SECRET_MESSAGE } from './placeholder-secret.js';
import { PII_TYPES } from '../privacy/pii-finding.js';
import { postgresOutageFields } from '../store/postgres/postgres-outage-schema.js';
import { taskSchema } from '../distill/task-schema.js';
import { routeCacheSchema } from '../cache/cache-schema.js';
import { collectionsSchema, routeRetrievalSchema } from '../retrieval/retrieval-schema.js';
import { flowSchema } from '../flows/flow-schema.js';
import { driftSchema, experimentSchema } from '../lifecycle/experiment-schema.js';
import { registrySchema } from '../lifecycle/registry-schema.js';
import { DEFAULT_PORT } from './default-port.js';

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();
// `new URL('localhost:11434')` parses (as scheme "localhost:"), so a bare z.url() accepts a common typo.
const httpUrl = z.url({ protocol: /^https?$/ });

export const pricingSchema = z
  .strictObject({
    input_per_1m: nonNegative.default(0).describe('Price per 1M input tokens, in `currency`.'),
    output_per_1m: nonNegative.default(0).describe('Price per 1M output tokens.'),
    cached_input_per_1m: nonNegative.optional().describe('Price per 1M cached input tokens; defaults to the input price.'),
  })
  .describe('Prices used for cost accounting and the budget policy; local models usually leave them at 0.');

export const capabilitiesSchema = z
  .strictObject({
    stream: z.boolean().default(true).describe('Can stream responses (SSE).'),
    tools: z.boolean().default(false).describe('Supports tool (function) calls.'),
    json: z.boolean().default(false).describe('Supports `response_format` JSON mode / JSON schema.'),
    vision: z.boolean().default(false).describe('Accepts image inputs.'),
    embeddings: z.boolean().default(false).describe('Serves POST /v1/embeddings.'),
    auto: z
      .boolean()
      .optional()
      .describe(
        "Ask the model's server at start-up what it supports (Ollama /api/show, llama.cpp /props, LM Studio, vLLM /v1/models); what it does not say stays as declared here. `capabilities: auto` is short for `{auto: true}`.",
      ),
  })
  .describe('What the model supports; the capability policy only sends a request to a model that declares what it needs.');

const modelCommon = {
  locality: z
    .enum(['local', 'cloud'])
    .describe('`local` models run on your own hardware; `cloud` models send data off-site (the privacy policy keeps sensitive requests away from them).'),
  context_window: positiveInt.default(8192).describe("The model's context window in tokens."),
  default_max_output_tokens: positiveInt
    .default(1024)
    .describe(
      'Output tokens assumed for cost and context estimates when a request sets no max_tokens, and sent upstream as its max_tokens, so budgets reserve what the upstream may really produce.',
    ),
  pricing: pricingSchema.prefault({}),
  // `capabilities: auto` is short for `{auto: true}`. Typed as the mapping (config objects in code write
  // `{auto: true}`); schema-keys.ts and json-schema.ts look through the preprocess step.
  capabilities: (z.preprocess((value) => (value === 'auto' ? { auto: true } : value), capabilitiesSchema) as unknown as typeof capabilitiesSchema).prefault({}),
  timeout_ms: positiveInt.default(60_000).describe('Time allowed for a whole non-streaming call, or until the first byte of a stream.'),
};

const modelId = z.string().min(1).optional().describe("The model id the upstream expects; defaults to the entry's name.");
const apiKey = z
  .string()
  .optional()
  .describe('API key sent upstream. Write `${ENV_VAR}`, never the key itself; an unset variable leaves the model unavailable with a warning.');
const headers = z.record(z.string(), z.string()).default({}).describe("Extra HTTP headers sent upstream (e.g. OpenRouter's HTTP-Referer).");
const connections = positiveInt.default(64).describe('Keep-alive connections per upstream origin.');

export const openAICompatibleModelSchema = z
  .strictObject({
    provider: z.literal('openai-compatible'),
    model: modelId,
    base_url: httpUrl.describe('The API base URL including `/v1`, as in the OpenAI SDK, e.g. `http://127.0.0.1:11434/v1`.'),
    api_key: apiKey,
    headers,
    connections,
    ...modelCommon,
  })
  .describe('Any server speaking the OpenAI chat completions API: OpenAI, Ollama, llama.cpp, vLLM, LM Studio, OpenRouter, ...');

export const anthropicModelSchema = z
  .strictObject({
    provider: z.literal('anthropic'),
    model: modelId,
    base_url: httpUrl.default('https://api.anthropic.com').describe('The Anthropic API base URL; a trailing `/v1` is optional.'),
    api_key: apiKey,
    api_version: z.string().default('2023-06-01').describe('Sent as the `anthropic-version` header.'),
    headers,
    connections,
    ...modelCommon,
  })
  .describe("Anthropic's Messages API.");

export const embeddedModelSchema = z
  .strictObject({
    provider: z.literal('embedded'),
    path: z.string().min(1).describe('Path to a GGUF file, relative to the config file.'),
    threads: z.number().int().nonnegative().default(0).describe('CPU threads; 0 lets Tandem choose (1 on machines with 2 cores or fewer).'),
    gpu: z.boolean().default(false).describe('Use a GPU when node-llama-cpp has a GPU build installed.'),
    context_size: positiveInt.optional().describe('Context size to allocate; defaults to `context_window`.'),
    parallel: positiveInt.default(1).describe('Sequences decoded in parallel.'),
    ...modelCommon,
  })
  .describe('A GGUF model run inside the Tandem process with node-llama-cpp; needs no server.');

export const modelSchema = z.discriminatedUnion('provider', [openAICompatibleModelSchema, anthropicModelSchema, embeddedModelSchema]);

export const policySchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('privacy'),
      mode: z
        .enum(['detect', 'local-only', 'pseudonymise', 'block'])
        .default('local-only')
        .describe(
          'What to do when personal data or secrets are found: `detect` records only; `local-only` keeps the request on local models (every fallback and retry included, 400 when none can take it); `pseudonymise` replaces each finding with a placeholder for cloud models and restores the answer; `block` refuses the request (400).',
        ),
      threshold: z.number().min(0).max(1).default(0.5).describe('Findings below this detector confidence are ignored.'),
      types: z.array(z.enum(PII_TYPES)).min(1).optional().describe('Only these finding types count (default: all).'),
      cue_guard: z
        .enum(['on', 'off'])
        .default('on')
        .describe(
          'On `local-only`: `on` also keeps a request local when its text names a kind of personal data ("passport", "date of birth", "IBAN", "Geburtsdatum" …) next to an identifier-shaped value that no detector recognised (docs/privacy.md, "Cue guard"); `off`: only findings count. Other modes ignore it.',
        ),
      user_key: z
        .string()
        .min(16)
        .optional()
        .describe(
          "Secret (e.g. `${TANDEM_PRIVACY_USER_KEY}`) under which cloud models get the request's `user` (and `safety_identifier`) as a keyed hash (HMAC-SHA256), on every mode: a stable id per user for the provider's abuse tracking, never the value. Unset: a random key per process, so ids change on restart and differ between replicas.",
        ),
    })
    .describe(
      'Finds personal data and secrets in every message and acts by `mode`; requests marked sensitive (x-tandem-sensitive header, metadata.sensitive) only ever reach local models.',
    ),
  z
    .strictObject({
      type: z.literal('context-fit'),
      safety_margin: z.number().min(0).max(0.5).default(0.05).describe('Share of the context window kept free for tokenizer differences.'),
    })
    .describe("Estimated prompt tokens plus the requested output must fit the model's context window."),
  z.strictObject({ type: z.literal('capability') }).describe('Tools, JSON schema and images need a model that declares them.'),
  z
    .strictObject({
      type: z.literal('budget'),
      max_cost_per_request: nonNegative.describe('Largest estimated cost of one request, in `currency`.'),
    })
    .describe('Models whose estimated cost for this request exceeds the budget are removed.'),
  z
    .strictObject({
      type: z.literal('latency'),
      max_ttft_ms: positiveInt.optional().describe("Largest acceptable p90 time to first token; a request's x-tandem-max-latency-ms header overrides it."),
      min_samples: positiveInt.default(5).describe("Observations needed before a model's p90 is trusted."),
    })
    .describe('Models whose recent p90 time to first token exceeds the budget are removed.'),
]);

export const ruleConditionSchema = z
  .strictObject({
    metadata: z.record(z.string(), z.string()).optional().describe('All listed request metadata keys must have these values.'),
    min_messages: z.number().int().nonnegative().optional().describe('At least this many messages.'),
    max_messages: z.number().int().nonnegative().optional().describe('At most this many messages.'),
    min_tokens: z.number().int().nonnegative().optional().describe('At least this many estimated prompt tokens.'),
    max_tokens: z.number().int().nonnegative().optional().describe('At most this many estimated prompt tokens.'),
    last_user_matches: z.string().optional().describe('A JavaScript regular expression tested against the last user message.'),
    ignore_case: z.boolean().default(true).describe('Case-insensitive matching for `last_user_matches`.'),
  })
  .describe('Conditions that must all hold; an empty `when` always matches.');

export const scorerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('heuristic') }).describe('A transparent heuristic: longer, multi-step, code- or math-heavy prompts score higher.'),
]);

const smallModel = z.string().describe('The model for prompts that score low (usually local and cheap).');
const largeModel = z.string().describe('The model for prompts that score high (usually a cloud model).');
const holdWindow = z
  .number()
  .int()
  .min(10)
  .max(100_000)
  .optional()
  .describe('How many recent scores of this route (on this replica) an online `llm_share` is held over (default 1000).');

export const routerSchema = z.discriminatedUnion('type', [
  z
    .strictObject({ type: z.literal('fixed'), model: z.string().describe('The model every request goes to.') })
    .describe('Always the same model (policies and fallbacks still apply).'),
  z
    .strictObject({
      type: z.literal('weighted'),
      weights: z.record(z.string(), nonNegative).describe('Model name -> relative weight; at least one must be above 0.'),
      sticky: z.boolean().default(true).describe("Hash the request's `user` so one user always lands on the same model."),
    })
    .describe('Splits traffic by weight, e.g. for an A/B test.'),
  z
    .strictObject({
      type: z.literal('rules'),
      rules: z
        .array(
          z.strictObject({
            when: ruleConditionSchema,
            model: z.string().describe('The model used when `when` matches.'),
          }),
        )
        .min(1)
        .describe('Checked in order; the first match wins.'),
      default: z.string().describe('The model used when no rule matches.'),
    })
    .describe('First matching rule wins.'),
  z
    .strictObject({
      type: z.literal('scored'),
      scorer: scorerSchema.prefault({ type: 'heuristic' }).describe('How prompts are scored.'),
      threshold: z.number().min(0).max(1).default(0.5).describe('Scores at or above the threshold go to `large` (unless `llm_share` is set).'),
      llm_share: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe("Share of traffic to send to `large`, held online: the threshold follows the quantile of the route's recent scores, replacing `threshold`."),
      hold_window: holdWindow,
      small: smallModel,
      large: largeModel,
    })
    .describe('A scorer rates each prompt in [0,1]; a threshold sends hard prompts to `large`.'),
  z
    .strictObject({
      type: z.literal('learned'),
      artifact: z.string().min(1).describe('Path to a scorer artifact written by `tandem train-router`, relative to the config file.'),
      llm_share: z.number().min(0).max(1).optional().describe("Share of traffic to send to `large`; overrides the artifact's calibrated threshold when set."),
      threshold: z.number().min(0).max(1).optional().describe('Explicit threshold; wins over `llm_share`.'),
      hold: z
        .enum(['calibrated', 'online'])
        .optional()
        .describe("How `llm_share` is held: `calibrated` (default) from the artifact's held-out reference quantiles; `online` from the route's recent scores."),
      hold_window: holdWindow,
      small: smallModel,
      large: largeModel,
      shadow: z
        .strictObject({
          rate: z
            .number()
            .min(0)
            .max(1)
            .describe('Share of answered requests also sent to the other model (after the client has its answer) to make a shadow pair.'),
          judge: z
            .string()
            .optional()
            .describe(
              "A model that compares the two answers (is the small model's as good as the large model's?); default: the cascade verifier scores the small model's answer.",
            ),
        })
        .optional()
        .describe(
          'Shadow pairs for `tandem train-router --from-log` (docs/lifecycle.md#routers-learn-from-the-log): a sampled request answered by both models, compared, and stored as a training label.',
        ),
    })
    .describe('A trained scorer with a calibrated threshold.'),
  z
    .strictObject({
      type: z.literal('cascade'),
      small: z.string().describe('The model that answers first.'),
      large: z.string().describe('The model a rejected answer escalates to.'),
      threshold: z.number().min(0).max(1).default(0.5).describe("Verifier scores at or above this accept the small model's answer."),
      verifier_artifact: z.string().optional().describe('A trained verifier artifact; defaults to the built-in response-feature verifier.'),
    })
    .describe('The small model answers first; its answer is verified and escalated to `large` when the score is below the threshold.'),
]);

export const retrySchema = z
  .strictObject({
    max_attempts: positiveInt.default(2).describe('Attempts per candidate model, the first included.'),
    initial_backoff_ms: nonNegative.default(100).describe('Wait before the first retry.'),
    max_backoff_ms: nonNegative.default(2_000).describe('Longest wait between retries.'),
  })
  .describe('Retries of retryable upstream failures (timeouts, 429, 5xx, connection errors); a stream is never retried after its first byte.');

export const routeSchema = z.strictObject({
  description: z.string().optional().describe('Free text for people reading the config.'),
  models: z.array(z.string()).min(1).describe('The models this route may use, most preferred first.'),
  policies: z.array(policySchema).default([]).describe('Policies narrow the candidates for each request; a model stays only if every policy allows it.'),
  router: routerSchema.optional().describe('Picks one of the candidates the policies allowed; without a router, the first allowed model in `models` order.'),
  fallbacks: z
    .array(z.string())
    .optional()
    .describe("Order to try after the router's choice fails; defaults to the remaining allowed models in `models` order. Policies apply to fallbacks too."),
  retry: retrySchema.prefault({}),
  baseline_model: z
    .string()
    .optional()
    .describe('The model whose prices define this route\'s baseline cost ("what it would have cost"); defaults to its most expensive cloud model.'),
  task: taskSchema.optional(),
  cache: routeCacheSchema.optional(),
  retrieval: routeRetrievalSchema.optional(),
  flow: flowSchema.optional(),
  experiment: experimentSchema.optional(),
  drift: driftSchema.optional(),
});

const logBodiesSchema = z
  .union([z.boolean(), z.literal('clear')])
  .default(true)
  .describe(
    'Store request and response bodies, not only metadata. `true`: on `pseudonymise` routes the bodies are stored as cloud models saw them, placeholders in place of personal data (docs/privacy.md); `clear`: the bodies as the client sent them, on every route; `false`: no bodies.',
  );

export const storeSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      type: z.literal('sqlite'),
      path: z.string().default('.tandem/tandem.db').describe('Database file, relative to the config file.'),
      log_bodies: logBodiesSchema,
      ...retentionFields,
      ...migrateFields,
    })
    .describe('A SQLite file (the default).'),
  z
    .strictObject({
      type: z.literal('memory'),
      log_bodies: logBodiesSchema,
      max_requests: z
        .number()
        .int()
        .positive()
        .default(10_000)
        .describe(
          'Keep the last this many requests; older ones are forgotten, so the request log stays bounded (~3 KB a request with bodies). The audit chain (`audit`, on by default) is kept about as long: once it is a tenth longer, its older records are cut behind a checkpoint, so it still verifies.',
        ),
      ...retentionFields,
    })
    .describe('In memory only; lost on restart.'),
  z
    .strictObject({
      type: z.literal('postgres'),
      url: z.string().min(1).describe('Connection URL, e.g. `${DATABASE_URL}` (postgres://user:password@host:5432/db); PostgreSQL 15 or later.'),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
        .optional()
        .describe("Schema to keep the tables in (created if missing); unset: the connection's default (usually `public`)."),
      pool_size: positiveInt.max(1000).default(10).describe('Connections per replica; appends share them through group commits.'),
      log_bodies: logBodiesSchema,
      ...retentionFields,
      ...postgresOutageFields,
      ...migrateFields,
    })
    .describe('PostgreSQL, shared by several replicas (docs/deployment.md).'),
]);

export const serverSchema = z
  .strictObject({
    host: z.string().default('127.0.0.1').describe('Interface to listen on; `0.0.0.0` exposes the gateway to the network.'),
    port: z.number().int().min(0).max(65535).default(DEFAULT_PORT).describe('TCP port; 0 picks a free one.'),
    max_body_bytes: positiveInt.default(8 * 1024 * 1024).describe('Largest request body accepted; larger bodies get 413.'),
    max_json_depth: positiveInt
      .default(64)
      .describe('How deeply arrays and objects may nest in a JSON request body (the body itself is level 1), on every JSON endpoint; deeper bodies get 400.'),
    max_messages: positiveInt.default(2048).describe('Most `messages` in one chat request; more get 400.'),
    max_content_parts: positiveInt.default(256).describe('Most content parts (text, images, ...) in one chat message; more get 400.'),
    max_tools: positiveInt.default(128).describe("Most `tools` in one chat request (OpenAI's own limit); more get 400."),
    max_metadata_keys: positiveInt.default(16).describe("Most keys in a chat request's `metadata` (OpenAI's own limit); more get 400."),
    max_embedding_inputs: positiveInt.default(2048).describe("Most strings in one embeddings request's `input` (OpenAI's own limit); more get 400."),
    max_connections: positiveInt
      .default(1024)
      .describe('Open client connections at most; one more is closed as soon as it is accepted, without an answer (docs/security.md#resource-limits).'),
    max_inflight_body_bytes: positiveInt
      .default(64 * 1024 * 1024)
      .describe(
        'Request-body bytes held at once across all requests still being read, past the first 64 KiB of each; a body that would go over gets 503 `server_busy` with retry-after (docs/security.md#resource-limits).',
      ),
    body_timeout_ms: positiveInt
      .default(10_000)
      .describe(
        'How long a client may take to send a request body once its headers are in; a slower upload gets 408 `request_timeout` and its connection is closed.',
      ),
    api_keys: z
      .array(z.string().min(1))
      .default([])
      .describe('Static bearer tokens accepted on the API with every route and model allowed; `tandem keys create` makes keys with permissions and limits.'),
    auth: authModeSchema,
    admin_key: z
      .string()
      .min(16)
      .refine((key) => !isPlaceholderSecret(key), { message: PLACEHOLDER_SECRET_MESSAGE })
      .optional()
      .describe(
        'Bearer token for the admin endpoints (/admin/*, /metrics, /dashboard), e.g. `${TANDEM_ADMIN_KEY}`. Unset: admin endpoints answer only while authentication is off (local development).',
      ),
    drain_timeout_ms: positiveInt
      .default(10_000)
      .describe('On SIGTERM, how long in-flight requests and streams may take to finish before the process exits anyway.'),
    heap: z
      .enum(['compact', 'smallest', 'default'])
      .default('compact')
      .describe(
        "V8 heap sizing, set when `serve` starts. `compact`: the old generation grows 15% past what survives a collection instead of V8's up-to-4x factor, 15–45 MB less resident memory under load at no measured throughput cost. `smallest`: V8's --optimize-for-size as well (a smaller young generation), about 20 MB less again for about 30% more CPU per request. `default`: V8's own sizing (docs/benchmarks.md).",
      ),
  })
  .describe('The HTTP listener.');

export const breakerSchema = z
  .strictObject({
    failure_threshold: positiveInt.default(5).describe("Consecutive failures that open an upstream's circuit."),
    cooldown_ms: positiveInt.default(30_000).describe('How long an open circuit rejects calls before letting one probe through.'),
  })
  .describe('Stops calling an upstream that keeps failing.');

const failMode = (open: string, closed: string, fallback: 'open' | 'closed') =>
  z.enum(['open', 'closed']).default(fallback).describe(`While Redis is unreachable: \`open\` ${open}; \`closed\` ${closed}.`);

export const clusterSchema = z
  .strictObject({
    redis: z
      .strictObject({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
          .describe('Redis URL shared by all replicas, e.g. `${REDIS_URL}` or `redis://127.0.0.1:6379/0`.'),
        key_prefix: z.string().min(1).default('tandem:').describe('Prefix of every key Tandem writes, so several deployments can share one Redis.'),
        command_timeout_ms: positiveInt.default(250).describe('A Redis call slower than this counts as Redis unavailable for that request.'),
        on_unavailable: z
          .strictObject({
            rate_limits: failMode('lets requests through without a rate-limit check', 'answers 503 to requests under a rate limit', 'open'),
            budgets: failMode(
              'lets requests through unreserved (their spend is still logged, and counted once Redis is back)',
              'answers 503 to requests under a budget',
              'closed',
            ),
            breaker: failMode("falls back to this replica's own circuit breaker", 'refuses every upstream call (503)', 'open'),
          })
          .prefault({})
          .describe('Per feature: what happens to requests while Redis is down. Outages are logged once and counted; Tandem reconnects by itself.'),
      })
      .describe('Shared counters (rate limits, budgets), circuit-breaker state and recent latency, so replicas act as one gateway.'),
  })
  .describe('Running several Tandem replicas as one gateway (see docs/deployment.md).');

export const telemetrySchema = z
  .strictObject({
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve Prometheus metrics.'),
        path: z.string().regex(/^\//).default('/metrics').describe('HTTP path of the exposition on `port`; on the API port it is always `/metrics`.'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .optional()
          .describe(
            'Also serve metrics on this port (same host as the API, no authentication: keep it off the public network); on the API port /metrics needs the admin key.',
          ),
      })
      .prefault({})
      .describe('Prometheus metrics (docs/observability.md lists them).'),
    tracing: z
      .strictObject({
        otlp_endpoint: httpUrl.describe('OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`.'),
        service_name: z.string().min(1).default('tandem').describe('`service.name` of the exported spans.'),
        sample_ratio: z.number().min(0).max(1).default(1).describe("Share of new traces sampled; a client's sampled `traceparent` is always followed."),
      })
      .optional()
      .describe('OpenTelemetry traces exported over OTLP; unset, tracing is off and costs nothing.'),
  })
  .describe('Metrics and traces (docs/observability.md).');

export const configSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    store: storeSchema
      .default({ type: 'sqlite', path: '.tandem/tandem.db', log_bodies: true })
      .describe('Where request logs, decisions and feedback are kept.'),
    circuit_breaker: breakerSchema.prefault({}),
    telemetry: telemetrySchema.prefault({}),
    cluster: clusterSchema.optional().describe('Absent: one replica, all state in process.'),
    limits: limitsSchema.prefault({}),
    audit: auditSchema.prefault({}),
    registry: registrySchema.prefault({}),
    currency: z.string().default('USD').describe('Currency code the prices are in (display only).'),
    models: z.record(z.string().min(1), modelSchema).describe('Upstream models by name. Clients may send a model name directly, or a route name.'),
    routes: z
      .record(z.string().min(1), routeSchema)
      .default({})
      .describe('Virtual models by name (e.g. `tandem/auto`) that choose among several models per request.'),
    embeddings_model: z.string().optional().describe('Model used for POST /v1/embeddings when the request names none that declares embeddings.'),
    collections: collectionsSchema,
  })
  .describe('Tandem gateway configuration (tandem.yaml).');

export type TandemConfig = z.output<typeof configSchema>;
export type TandemConfigInput = z.input<typeof configSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type OpenAICompatibleModelConfig = z.output<typeof openAICompatibleModelSchema>;
export type AnthropicModelConfig = z.output<typeof anthropicModelSchema>;
export type EmbeddedModelConfig = z.output<typeof embeddedModelSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type PolicyConfig = z.output<typeof policySchema>;
export type PrivacyPolicyConfig = Extract<PolicyConfig, { type: 'privacy' }>;
export type RouterConfig = z.output<typeof routerSchema>;
export type RuleCondition = z.output<typeof ruleConditionSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
export type StoreConfig = z.output<typeof storeSchema>;
export type TelemetryConfig = z.output<typeof telemetrySchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
