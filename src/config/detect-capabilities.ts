/**
 * Asks a local model server what one of its models supports, so a model that can call tools, answer in
 * JSON or read images gets such requests without the user declaring it (`capabilities: auto`, and
 * `tandem init`). Each server says it its own way; the first that answers is used:
 *
 * - Ollama, `POST /api/show {model}`: `capabilities` lists `completion`, `tools`, `vision`, `embedding`
 *   (https://docs.ollama.com/api/show); `model_info["<arch>.context_length"]` is the model's own maximum.
 *   Every completion model can answer in JSON (Ollama's `format`).
 * - llama.cpp's llama-server, `GET /props`: `modalities.vision`, `chat_template_caps.supports_tool_calls`
 *   (tools need `--jinja`; absent on older builds, which then keep the declared value), and
 *   `default_generation_settings.n_ctx`, the context a slot has. JSON schemas are always supported
 *   (grammar-constrained sampling).
 * - LM Studio, `GET /api/v0/models/{id}`: `type` (`llm`, `vlm`, `embeddings`), `capabilities`
 *   (`tool_use`) and `max_context_length`.
 * - vLLM (and others), `GET /v1/models`: `max_model_len` of the entry, where present; no capabilities.
 *
 * What a server does not say stays as declared in tandem.yaml (or its default).
 */
import { Agent, request, type Dispatcher } from 'undici';

export interface DetectedCapabilities {
  /** Which API answered, for people: `Ollama /api/show`. */
  source: string;
  tools?: boolean;
  json?: boolean;
  vision?: boolean;
  embeddings?: boolean;
  /** The context the server reports for the model (llama.cpp: per slot; Ollama, LM Studio, vLLM: the model's maximum). */
  contextWindow?: number;
}

export interface DetectCapabilitiesOptions {
  /** The model's OpenAI base URL, as configured: `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** The model id the server knows it by. */
  model: string;
  /** For the whole detection (each API tried shares it); default 1,000 ms. */
  timeoutMs?: number;
  /** Shared by several detections; one is made (and closed) otherwise. */
  dispatcher?: Dispatcher;
}

export async function detectCapabilities(options: DetectCapabilitiesOptions): Promise<DetectedCapabilities | undefined> {
  const own = options.dispatcher === undefined ? new Agent({ connect: { timeout: options.timeoutMs ?? 1_000 } }) : undefined;
  const dispatcher = options.dispatcher ?? (own as Agent);
  // One deadline for all the APIs tried, so a server that accepts connections and never answers costs
  // the timeout once, not once per API.
  const deadline = performance.now() + (options.timeoutMs ?? 1_000);
  const get = async (url: string, body?: unknown): Promise<unknown> => {
    const left = Math.floor(deadline - performance.now());
    return left <= 0 ? undefined : fetchJson({ url, body, dispatcher, timeoutMs: left });
  };
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = base.replace(/\/v1$/, '');
  try {
    const ollama = record(await get(`${origin}/api/show`, { model: options.model }));
    if (ollama !== undefined && Array.isArray(ollama.capabilities)) return fromOllama(ollama);
    const props = record(await get(`${origin}/props`));
    if (props !== undefined && record(props.default_generation_settings) !== undefined) return fromLlamaCpp(props);
    const studio = record(await get(`${origin}/api/v0/models/${encodeURIComponent(options.model)}`));
    if (studio !== undefined && typeof studio.type === 'string') return fromLmStudio(studio);
    const list = record(await get(`${base}/models`));
    const entry = Array.isArray(list?.data) ? list.data.map(record).find((m) => m?.id === options.model) : undefined;
    const maxLen = positiveInt(entry?.max_model_len);
    return maxLen === undefined ? undefined : { source: `${entry?.owned_by === 'vllm' ? 'vLLM' : 'the server'} /v1/models`, contextWindow: maxLen };
  } finally {
    await own?.destroy();
  }
}

function fromOllama(show: Record<string, unknown>): DetectedCapabilities {
  const caps = (show.capabilities as unknown[]).filter((c): c is string => typeof c === 'string');
  const info = record(show.model_info) ?? {};
  const arch = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : undefined;
  const contextWindow = positiveInt(arch === undefined ? undefined : info[`${arch}.context_length`]);
  return {
    source: 'Ollama /api/show',
    tools: caps.includes('tools'),
    json: caps.includes('completion'),
    vision: caps.includes('vision'),
    embeddings: caps.includes('embedding'),
    ...(contextWindow === undefined ? {} : { contextWindow }),
  };
}

function fromLlamaCpp(props: Record<string, unknown>): DetectedCapabilities {
  const modalities = record(props.modalities);
  const templateCaps = record(props.chat_template_caps);
  const tools = templateCaps?.supports_tool_calls ?? templateCaps?.supports_tools;
  const contextWindow = positiveInt(record(props.default_generation_settings)?.n_ctx);
  return {
    source: 'llama.cpp /props',
    json: true,
    ...(typeof tools === 'boolean' ? { tools } : {}),
    ...(typeof modalities?.vision === 'boolean' ? { vision: modalities.vision } : {}),
    ...(contextWindow === undefined ? {} : { contextWindow }),
  };
}

function fromLmStudio(model: Record<string, unknown>): DetectedCapabilities {
  const caps = Array.isArray(model.capabilities) ? model.capabilities : [];
  const contextWindow = positiveInt(model.max_context_length);
  return {
    source: 'LM Studio /api/v0/models',
    tools: caps.includes('tool_use'),
    vision: model.type === 'vlm',
    embeddings: model.type === 'embeddings',
    ...(contextWindow === undefined ? {} : { contextWindow }),
  };
}

/** The JSON a GET (or, with a body, POST) answers with 200; undefined for anything else, never a throw. */
async function fetchJson(options: { url: string; body: unknown; dispatcher: Dispatcher; timeoutMs: number }): Promise<unknown> {
  try {
    const response = await request(options.url, {
      method: options.body === undefined ? 'GET' : 'POST',
      dispatcher: options.dispatcher,
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return undefined;
    }
    return await response.body.json();
  } catch {
    // Refused, timed out, not JSON: this server does not speak that API.
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `tools, json, vision: no` for notes and `tandem validate`. */
export function describeDetected(found: DetectedCapabilities): string {
  const flags = (['tools', 'json', 'vision', 'embeddings'] as const).filter((k) => found[k] !== undefined).map((k) => (found[k] ? k : `${k}: no`));
  const context = found.contextWindow === undefined ? [] : [`context ${found.contextWindow}`];
  return [...flags, ...context].join(', ') || 'nothing it could say';
}
