/**
 * Tandem's default port, 8421: no common local model server listens there (Ollama 11434, llama.cpp and
 * LocalAI 8080, vLLM 8000, LM Studio 1234, text-generation-webui 5000/7860, Jan 1337, LiteLLM 4000),
 * so the model server and the gateway can both start with their defaults (docs/decisions/default-port.md).
 */
export const DEFAULT_PORT = 8421;

/** What `tandem init` writes when something on this machine already answers on the default port. */
export const FALLBACK_PORT = 8422;
