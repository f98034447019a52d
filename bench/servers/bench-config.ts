/** The route the gateway benchmarks call, its policies, and the one request they send. */
export const BENCH_ROUTE = 'tandem/bench';
export const BENCH_ROUTE_POLICIES = '[{ type: privacy }, { type: context-fit }, { type: capability }, { type: budget, max_cost_per_request: 1 }]';
export const BENCH_REQUEST_BODY = JSON.stringify({
  model: BENCH_ROUTE,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What is the answer to life, the universe and everything? Answer briefly.' },
  ],
  max_tokens: 64,
});

/** The same request streamed, with usage, as `npm run bench:stream` and `bench:compare` send it. */
export const BENCH_STREAM_REQUEST_BODY = JSON.stringify({
  ...(JSON.parse(BENCH_REQUEST_BODY) as object),
  stream: true,
  stream_options: { include_usage: true },
});
/** How a client asks for a stream: the fake upstream and the bare proxy stream to these headers. */
export const BENCH_STREAM_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream' };

/** The tandem.yaml the benchmarks serve: a local and a cloud model on one fake upstream, a scored route. */
export function benchConfigYaml(options: {
  upstreamUrl: string;
  dbPath: string;
  /** Default BENCH_ROUTE. */
  route?: string | undefined;
  /** The route's policies as YAML flow; default BENCH_ROUTE_POLICIES. */
  policies?: string | undefined;
  /** server.heap (default: the schema's). */
  heap?: string | undefined;
  /** The whole `store:` value as YAML flow (default: SQLite at dbPath with bodies logged). */
  store?: string | undefined;
}): string {
  const model = (locality: string, window: number, input: number, output: number): string => `
    provider: openai-compatible
    base_url: ${options.upstreamUrl}/v1
    locality: ${locality}
    context_window: ${window}
    pricing: { input_per_1m: ${input}, output_per_1m: ${output} }`;
  return `server: { host: 127.0.0.1, port: 0${options.heap ? `, heap: ${options.heap}` : ''} }
store: ${options.store ?? `{ type: sqlite, path: ${options.dbPath}, log_bodies: true }`}
models:
  small:${model('local', 8192, 0.05, 0.1)}
  large:${model('cloud', 128000, 2.5, 10)}
routes:
  ${options.route ?? BENCH_ROUTE}:
    models: [small, large]
    policies: ${options.policies ?? BENCH_ROUTE_POLICIES}
    router: { type: scored, small: small, large: large, threshold: 0.5 }
`;
}
