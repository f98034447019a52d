/**
 * The HTTP client both HTTP adapters use: an undici Pool with keep-alive (global fetch measured 4–5x slower
 * here), its handler API for JSON calls (dispatch-text.ts) and `request` for event streams, a per-call
 * timeout, cancellation from the caller's signal, and every failure turned into a ProviderError of the
 * right kind (http / connection / timeout / aborted / protocol).
 */
import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import { ProviderError } from '../../spec/errors.js';
import { parseJson } from '../json-fields.js';
import { SseParser, type SseEvent } from '../sse-parser.js';
import { dispatchText } from './dispatch-text.js';
import { sharedPoolRegistry, type PoolLease, type PoolRegistry } from './pool-registry.js';
import { errorMessageFromBody, providerErrorFromResponse } from './provider-error-from-response.js';

export interface UpstreamHttpOptions {
  /** Names the upstream in errors (the model's name in tandem.yaml). */
  provider: string;
  /** e.g. `https://api.openai.com/v1`; its path prefixes every request path, its query is kept (Azure's api-version). */
  baseUrl: string;
  connections: number;
  /** Sent on every request (auth, version, the config's headers). */
  headers: Record<string, string>;
  /** Whole call for postJson; until the response headers for postEventStream. */
  timeoutMs: number;
  pools?: PoolRegistry;
}

export interface UpstreamHttp {
  /**
   * POSTs JSON and returns the parsed JSON answer. Throws ProviderError for whatever the upstream or the
   * connection did, and JSON.stringify's own error, unwrapped, for a body that cannot be encoded.
   */
  postJson(path: string, body: unknown, signal: AbortSignal): Promise<unknown>;
  /**
   * POSTs JSON and resolves once 2xx headers arrived (throws ProviderError before that). The returned events
   * throw ProviderError if the body fails mid-stream; ending the iteration early cancels the upstream call.
   */
  postEventStream(path: string, body: unknown, signal: AbortSignal): Promise<AsyncGenerator<SseEvent>>;
  close(): Promise<void>;
}

/**
 * Error bodies beyond this (bytes of a JSON call's answer, characters of a stream's) are cut: they are for
 * logs, and a misbehaving upstream must not fill memory.
 */
const MAX_ERROR_BODY = 64 * 1024;

export function createUpstreamHttp(options: UpstreamHttpOptions): UpstreamHttp {
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const lease: PoolLease = (options.pools ?? sharedPoolRegistry).acquire(base.origin, {
    connections: options.connections,
  });
  const jsonHeaders = { ...options.headers, 'content-type': 'application/json', accept: 'application/json' };
  const streamHeaders = { ...options.headers, 'content-type': 'application/json', accept: 'text/event-stream' };
  const { provider, timeoutMs } = options;

  const send = (path: string, payload: string, headers: Record<string, string>, signal: CallAborter) =>
    lease.pool.request({
      path: basePath + path + base.search,
      method: 'POST',
      headers,
      body: payload,
      signal,
    });

  async function failure(response: Dispatcher.ResponseData): Promise<ProviderError> {
    return providerErrorFromResponse({
      provider,
      statusCode: response.statusCode,
      headers: response.headers,
      body: await readCapped(response.body),
    });
  }

  return {
    async postJson(path, body, signal) {
      // Encoded before the call's guard: a body Tandem cannot encode is Tandem's failure, and must not come
      // back as the upstream's (a ProviderError would count against its circuit; execute-plan.ts).
      const payload = JSON.stringify(body);
      const guard = new CallGuard({ provider, signal, timeoutMs });
      try {
        const { statusCode, headers, text } = await dispatchText(
          lease.pool,
          { path: basePath + path + base.search, method: 'POST', headers: jsonHeaders, body: payload },
          guard.signal,
          MAX_ERROR_BODY,
        );
        if (statusCode < 200 || statusCode >= 300) throw providerErrorFromResponse({ provider, statusCode, headers, body: text });
        const json = parseJson(text);
        if (json === undefined) {
          throw new ProviderError({
            provider,
            kind: 'protocol',
            message: `${provider} answered ${statusCode} with a body that is not JSON`,
            body: text.slice(0, MAX_ERROR_BODY),
          });
        }
        return json;
      } catch (error) {
        throw guard.toProviderError(error);
      } finally {
        guard.dispose();
      }
    },

    async postEventStream(path, body, signal) {
      const payload = JSON.stringify(body); // before the guard, as in postJson
      const guard = new CallGuard({ provider, signal, timeoutMs });
      let response: Dispatcher.ResponseData;
      try {
        response = await send(path, payload, streamHeaders, guard.signal);
        if (response.statusCode < 200 || response.statusCode >= 300) throw await failure(response);
        const contentType = String(response.headers['content-type'] ?? '');
        if (contentType.includes('json')) {
          // Some servers answer a stream request with a JSON error (or ignore `stream`): never parse it as SSE.
          const text = await readCapped(response.body);
          throw new ProviderError({
            provider,
            kind: 'protocol',
            message: `${provider} answered a stream request with JSON: ${errorMessageFromBody(text)}`,
            body: text,
          });
        }
      } catch (error) {
        guard.dispose();
        throw guard.toProviderError(error);
      }
      guard.stopTimer();
      return readEvents(response.body, guard);
    },

    close: () => lease.release(),
  };
}

async function* readEvents(body: Dispatcher.ResponseData['body'], guard: CallGuard): AsyncGenerator<SseEvent> {
  let complete = false;
  try {
    // SseParser inline rather than parseSseStream: one async-generator layer less per event.
    const parser = new SseParser();
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      for (const event of parser.push(chunk)) yield event;
    }
    for (const event of parser.end()) yield event;
    complete = true;
  } catch (error) {
    throw guard.toProviderError(error);
  } finally {
    guard.dispose();
    // Stopped early (consumer returned, or failed): destroying the body closes the socket, which is the
    // only way to make an HTTP/1.1 upstream stop generating.
    if (!complete) body.destroy();
  }
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length >= MAX_ERROR_BODY) {
      body.destroy();
      return text.slice(0, MAX_ERROR_BODY);
    }
  }
  return text + decoder.decode();
}

/**
 * One call's cancellation: the caller's signal (client gone) and the call's own timeout both abort the
 * undici request; afterwards we know which one fired, whatever error undici surfaced.
 *
 * undici takes an EventEmitter as well as an AbortSignal; an AbortController per call was 2-3% of the
 * gateway's CPU at c=32 (EventTarget is slow in Node 20), the emitter a fraction of that.
 */
class CallGuard {
  private readonly aborter = new CallAborter();
  private readonly external: AbortSignal;
  private readonly provider: string;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly onAbort = (): void => this.aborter.abort(this.external.reason);

  constructor(options: { provider: string; signal: AbortSignal; timeoutMs: number }) {
    this.external = options.signal;
    this.provider = options.provider;
    this.timeoutMs = options.timeoutMs;
    if (this.external.aborted) {
      this.aborter.abort(this.external.reason);
    } else {
      this.external.addEventListener('abort', this.onAbort, { once: true });
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.aborter.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError'));
      }, this.timeoutMs);
    }
  }

  /** What the call listens to (undici's `request`, or dispatchText). */
  get signal(): CallAborter {
    return this.aborter;
  }

  stopTimer(): void {
    clearTimeout(this.timer);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.external.removeEventListener('abort', this.onAbort);
  }

  toProviderError(error: unknown): ProviderError {
    const { provider } = this;
    if (this.timedOut) {
      return new ProviderError({
        provider,
        kind: 'timeout',
        message: `${provider} did not answer within ${this.timeoutMs} ms`,
        cause: error,
      });
    }
    if (this.external.aborted) {
      return new ProviderError({ provider, kind: 'aborted', message: `call to ${provider} was cancelled`, cause: error });
    }
    if (error instanceof ProviderError) return error;
    const code = errorCode(error);
    const timeout = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
    const reason = error instanceof Error ? error.message : String(error);
    return new ProviderError({
      provider,
      kind: timeout ? 'timeout' : 'connection',
      message: `${timeout ? 'timeout' : 'connection error'} calling ${provider}: ${code ? `${code} ` : ''}${reason}`,
      cause: error,
    });
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** The EventEmitter form of an abort signal that undici accepts: `aborted`, `reason`, one 'abort' event. */
class CallAborter extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
