/** What routing knows about a configured model: enough to decide, nothing about how to call it. */
export interface ModelInfo {
  /** The model's name in tandem.yaml; what x-tandem-model reports. */
  name: string;
  /** The id sent upstream. */
  upstreamModel: string;
  provider: 'openai-compatible' | 'anthropic' | 'embedded';
  locality: 'local' | 'cloud';
  contextWindow: number;
  defaultMaxOutputTokens: number;
  pricing: { inputPer1M: number; outputPer1M: number; cachedInputPer1M: number };
  capabilities: { stream: boolean; tools: boolean; json: boolean; vision: boolean; embeddings: boolean };
  /** Identifies the upstream endpoint for circuit breaking and latency tracking (e.g. its origin). */
  upstreamKey: string;
  timeoutMs: number;
}
