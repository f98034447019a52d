/**
 * What `tandem init` can find without asking: cloud API keys in the environment (only whether they are
 * set; the key itself never leaves the environment) and OpenAI-compatible servers already running on
 * loopback at their usual ports. Probes run in parallel with a short timeout, so a machine with nothing
 * running answers in about that timeout.
 */
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { DetectedCapabilities } from './detect-capabilities.js';

export interface LocalServerProbe {
  /** Stable id, used to disambiguate model names: `ollama`. */
  id: string;
  /** For people: `Ollama`. */
  label: string;
  port: number;
  /** Defaults to the detection's host (loopback); set for servers named with `tandem init --probe host:port`. */
  host?: string;
}

/** The usual ports: Ollama, llama.cpp's llama-server, vLLM, LM Studio. */
export const DEFAULT_PROBES: readonly LocalServerProbe[] = [
  { id: 'ollama', label: 'Ollama', port: 11434 },
  { id: 'llama-cpp', label: 'llama.cpp server', port: 8080 },
  { id: 'vllm', label: 'vLLM', port: 8000 },
  { id: 'lm-studio', label: 'LM Studio', port: 1234 },
];

export interface DetectedServer {
  id: string;
  label: string;
  port: number;
  host?: string;
  /** The OpenAI base URL, `/v1` included: `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** Model ids from GET /v1/models, in the server's order; may be empty (e.g. Ollama with nothing pulled). */
  models: string[];
  /** What the server says the chosen chat model supports (detect-capabilities.ts); absent when it did not say. */
  capabilities?: DetectedCapabilities;
}

export interface DetectedEnvironment {
  openaiKey: boolean;
  anthropicKey: boolean;
  servers: DetectedServer[];
  /** The built-in GGUF model's path relative to the config file; defaults to models/stories260K.gguf. */
  embeddedModelPath?: string;
  /** The shipped zero-shot router artifact relative to the config file; defaults to models/router-default.json. */
  defaultRouterPath?: string;
  /** tandem.schema.json relative to the config file, for the editor modeline; omitted when unknown. */
  schemaPath?: string;
}

export interface DetectOptions {
  env: Record<string, string | undefined>;
  probes?: readonly LocalServerProbe[];
  /** Per probe; all probes run at once. */
  timeoutMs?: number;
  host?: string;
}

const modelList = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

export async function detectEnvironment(options: DetectOptions): Promise<DetectedEnvironment> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 300;
  // A private agent, closed afterwards, so no keep-alive socket outlives the command.
  const agent = new Agent({ connect: { timeout: timeoutMs } });
  try {
    const results = await Promise.all((options.probes ?? DEFAULT_PROBES).map((probe) => probeServer({ probe, host, timeoutMs, agent })));
    return {
      openaiKey: Boolean(options.env.OPENAI_API_KEY),
      anthropicKey: Boolean(options.env.ANTHROPIC_API_KEY),
      servers: results.filter((server): server is DetectedServer => server !== undefined),
    };
  } finally {
    await agent.destroy();
  }
}

async function probeServer(options: { probe: LocalServerProbe; host: string; timeoutMs: number; agent: Agent }): Promise<DetectedServer | undefined> {
  const { probe, host, timeoutMs, agent } = options;
  const baseUrl = `http://${hostForUrl(probe.host ?? host)}:${probe.port}/v1`;
  try {
    const response = await request(`${baseUrl}/models`, {
      method: 'GET',
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return undefined;
    }
    const parsed = modelList.safeParse(await response.body.json());
    // Something answered on the port but not with an OpenAI model list: not a server we can use.
    if (!parsed.success) return undefined;
    return { ...probe, baseUrl, models: parsed.data.data.map((model) => model.id) };
  } catch {
    // Refused, timed out or not JSON: nothing usable there.
    return undefined;
  }
}

/** An IPv6 literal goes in brackets in a URL. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * `host:port`, `:port`, `port` or `[v6]:port`, as given to `tandem init --probe`, as a probe; the host
 * defaults to loopback. Throws a message naming the accepted forms.
 */
export function parseProbe(text: string): LocalServerProbe {
  const trimmed = text.trim();
  const match = /^(?:(?:\[([^\]]+)\]|([^:\s]*)):)?(\d{1,5})$/.exec(trimmed);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--probe ${JSON.stringify(text)}: expected host:port (e.g. 127.0.0.1:9000 or gpu-box:8080) or a port`);
  }
  const host = match[1] ?? (match[2] || '127.0.0.1');
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  return {
    id: loopback ? `port-${port}` : `${host}-${port}`.replace(/[^A-Za-z0-9.-]/g, '-'),
    label: `server at ${hostForUrl(host)}:${port}`,
    port,
    host,
  };
}
